"""Staff's moderation queue for provider profiles (Wagtail admin → Provider profiles): pending
first, each with what changed since the approved version; approve, request changes, withdraw."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.auth import permission_denied

from . import selectors, services
from .models import ShowcaseProfile
from .services import ShowcaseRefused

PERMISSION = "showcase.moderate_showcaseprofile"
FIELD_LABELS = {
    "tagline": gettext_lazy("tagline"),
    "about": gettext_lazy("about the company"),
    "cities": gettext_lazy("cities served"),
    "industries": gettext_lazy("industries served"),
    "active_since": gettext_lazy("active since (year)"),
    "services": gettext_lazy("services"),
}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve and publish")),
            ("reject", pgettext_lazy("profile review", "Request changes")),
            ("withdraw", gettext_lazy("Take off the site")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the provider"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when requesting changes."),
    )


def queue(request):
    if not request.user.has_perm(PERMISSION):
        return permission_denied(request)
    status = request.GET.get("status") or ShowcaseProfile.Status.PENDING
    profiles = ShowcaseProfile.objects.select_related("provider").order_by("submitted_at", "pk")
    if status in ShowcaseProfile.Status.values:
        profiles = profiles.filter(status=status)
    return TemplateResponse(
        request,
        "showcase/admin/queue.html",
        {
            "page_title": _("Provider profiles"),
            "profiles": list(profiles),
            "statuses": ShowcaseProfile.Status.choices,
            "current": status,
        },
    )


def review(request, pk: int):
    if not request.user.has_perm(PERMISSION):
        return permission_denied(request)
    profile = ShowcaseProfile.objects.select_related("provider").filter(pk=pk).first()
    if profile is None:
        raise Http404
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
            try:
                if decision == "approve":
                    services.approve_profile(pk, request.user)
                    messages.success(request, _("Approved: the profile is public as it is now."))
                elif decision == "reject":
                    services.reject_profile(pk, request.user, note)
                    messages.success(request, _("Changes requested."))
                else:
                    services.withdraw_profile(pk, request.user)
                    messages.success(request, _("The profile is no longer public."))
                return HttpResponseRedirect(reverse("showcase_admin:queue"))
            except ShowcaseRefused as error:
                form.add_error(None, error.message)
                status = error.status
    vocabulary = selectors.Vocabulary.load()
    draft = services.snapshot(profile)
    published = profile.published_data or {}
    changed = [FIELD_LABELS[k] for k in FIELD_LABELS if draft.get(k) != published.get(k)]
    shadow = ShowcaseProfile(pk=profile.pk, provider=profile.provider, published_data=draft)
    return TemplateResponse(
        request,
        "showcase/admin/review.html",
        {
            "page_title": _("Review provider profile"),
            "profile": profile,
            "form": form,
            "draft": selectors.profile_view(shadow, vocabulary),
            "published": selectors.profile_view(profile, vocabulary) if published else None,
            "changed": changed,
        },
        status=status,
    )


urlpatterns = [
    path("", queue, name="queue"),
    path("<int:pk>/", review, name="review"),
]
