"""My academy → My data, profile corrections and closing the account (issue 20). Thin: the rules
are in my_data.py and closure.py, the data in personal_data.py's sections."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import closure, my_data, personal_data, services
from .errors import ActionRefused
from .forms import CloseAccountForm, ProfileForm
from .models import ClosureRequest, DataExport


def _shown(value):
    """A cell as the page shows it: local time to the minute; everything else as the files."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return my_data.plain(value)


@login_required
@never_cache
@require_GET
def my_data_page(request):
    return _my_data(request)


def _my_data(request, status: int = 200):
    user = request.user
    collected = personal_data.collect(user)
    sections = [
        {
            "key": c.section.key,
            "title": c.section.title,
            "empty_text": c.section.empty_text,
            "rows": [[(_(k), v) for k, v in row.items()] for row in my_data.plain_rows(c.rows)],
        }
        for c in collected
    ]
    context = {
        "sections": sections,
        "exports": DataExport.objects.filter(user=user)[:5],
        "next_export_at": my_data.next_export_at(user),
        "closure": closure.open_request(user),
    }
    return render(request, "academy/my_data.html", context, status=status)


@login_required
@require_POST
def export_request(request):
    try:
        my_data.request_export(request.user, get_language() or "")
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return _my_data(request, status=refusal.status)
    messages.success(
        request,
        _("We are preparing your download. We will e-mail you a link when it is ready."),
    )
    return redirect("my_data")


@login_required
@never_cache
@require_GET
def export_download(request, pk: int):
    """The file, to its owner only, while it lasts; anyone else (and afterwards) gets a 404."""
    try:
        export = my_data.downloadable(request.user, pk)
    except DataExport.DoesNotExist:
        raise Http404 from None
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"my-academy-data-{export.requested_at:%Y%m%d}.zip",
        content_type="application/zip",
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": user.display_name, "language": services.profile_language(user)},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user.display_name = form.cleaned_data["display_name"]
            user.save(update_fields=["display_name"])
            services.set_profile_language(user, form.cleaned_data["language"])
        messages.success(request, _("Your profile is saved."))
        return redirect("my_academy")
    return render(
        request, "academy/profile_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def close_account(request):
    user = request.user
    form = CloseAccountForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            closure.request_closure(user, form.cleaned_data["password"], get_language() or "")
        except ActionRefused as refusal:
            form.add_error("password" if refusal.status == 400 else None, refusal.message)
            status = refusal.status
        else:
            messages.success(
                request,
                _("We e-mailed you a link. Your account is closed only once you confirm there."),
            )
            return redirect("close_account")
    elif form.errors:
        status = 400
    context = {
        "form": form,
        "closure": closure.open_request(user),
        "refusals": personal_data.closure_refusals(user),
        "keepsakes": personal_data.keepsakes(user),
        "days": closure.cooling_off().days,
    }
    return render(request, "academy/close_account.html", context, status=status)


@login_required
@require_POST
def close_account_cancel(request):
    open_request = closure.open_request(request.user)
    if open_request is not None:
        closure.cancel(open_request)
        messages.success(request, _("Your account stays open: the closure is cancelled."))
    return redirect("my_academy")


@never_cache
@require_http_methods(["GET", "POST"])
def close_account_link(request, token: str):
    """The e-mailed link: a page with buttons (mail scanners follow links; only a POST acts)."""
    found = ClosureRequest.objects.filter(token=token).first() if token else None
    if found is None or found.status == ClosureRequest.Status.CLOSED:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            closure.cancel(found)
            messages.success(request, _("Your account stays open: the closure is cancelled."))
        else:
            closure.confirm(token)
        return redirect("close_account_link", token=token)
    found.refresh_from_db()
    return render(
        request,
        "academy/close_account_link.html",
        {"closure": found, "days": closure.cooling_off().days},
    )
