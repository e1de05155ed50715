"""The privacy notice, the page that asks to accept a new version, and the person's consents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import privacy


def _safe_next(request, default: str) -> str:
    """Where to go back to: a path on this site, else `default` (a URL, never a view name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def notice(request, version: int | None = None):
    """The notice in force (or an earlier version, for the record), in the reader's language."""
    shown = privacy.notice_version(version) if version else privacy.current_notice()
    if version and shown is None:
        raise Http404
    return render(
        request,
        "academy/privacy/notice.html",
        {
            "notice": shown,
            "current_version": privacy.current_version(),
            "earlier": privacy.PrivacyNotice.originals().order_by("-version"),
        },
    )


@login_required
def accept(request):
    """Ask a signed-in person to accept the version in force; back to where they were going."""
    shown = privacy.current_notice()
    next_url = _safe_next(request, reverse("my_academy"))
    if shown is None or not privacy.must_accept(request):
        return HttpResponseRedirect(next_url)
    if request.method == "POST":
        privacy.accept_notice(request.user, source=privacy.Source.ACCEPT_PAGE, request=request)
        messages.success(request, _("Thank you. You accepted the privacy notice."))
        return HttpResponseRedirect(next_url)
    accepted = privacy.accepted_version(request.user)
    return render(
        request,
        "academy/privacy/accept.html",
        {"notice": shown, "next": next_url, "accepted_before": accepted},
    )


@login_required
def my_privacy(request):
    """The person's optional consents, to give or withdraw, and the history of their choices."""
    return render(
        request,
        "academy/privacy/my_privacy.html",
        {
            "choices": privacy.choices_for(request.user),
            "history": privacy.history(request.user)[:100],
            "accepted_version": privacy.accepted_version(request.user),
            "notice": privacy.current_notice(),
        },
    )


@login_required
@require_POST
def set_consent(request, kind: str):
    if kind not in privacy.OPTIONAL_KINDS:
        raise Http404
    granted = request.POST.get("granted") == "1"
    privacy.set_consent(request.user, kind, granted, source=privacy.Source.MY_ACADEMY)
    label = privacy.Kind(kind).label
    if granted:
        messages.success(request, _("Consent given: %(consent)s.") % {"consent": label})
    else:
        messages.success(request, _("Consent withdrawn: %(consent)s.") % {"consent": label})
    return HttpResponseRedirect(_safe_next(request, reverse("my_privacy")))
