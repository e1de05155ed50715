"""Officers' certificate actions in the Wagtail admin: revoke, reissue, manual award, bulk issue
(with its progress bar) and the review of approval applications. Each view checks the permission,
parses a form and calls one service."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from wagtail.admin.auth import permission_denied

from .models import ApprovalApplication, BulkIssue, Certificate, Programme
from .services import issuing
from .services import programmes as programme_services

User = get_user_model()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReissueForm(ReasonForm):
    holder_name = forms.CharField(label=gettext_lazy("Name on the certificate"), max_length=120)


class AwardForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Holder's e-mail"))
    holder_name = forms.CharField(
        label=gettext_lazy("Name on the certificate"),
        max_length=80,
        required=False,
        help_text=gettext_lazy(
            "Needed when the person has not given their name; it is saved as their name. "
            "Leave empty to print the name they gave."
        ),
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.order_by("title")
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        self.holder = user
        return self.cleaned_data["email"]

    def clean(self):
        data = super().clean()
        holder = getattr(self, "holder", None)
        if holder is not None and "holder_name" in data:
            try:
                data["holder_name"] = issuing.certificate_name(holder, data["holder_name"])
            except issuing.NameRequired as error:
                self.add_error("holder_name", str(error))
        return data


class BulkForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.order_by("title")
    )
    emails = forms.CharField(
        label=gettext_lazy("E-mail addresses"),
        help_text=gettext_lazy("One per line (or separated by commas)."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean_emails(self):
        wanted = {
            e.strip().lower()
            for e in self.cleaned_data["emails"].replace(",", "\n").split()
            if e.strip()
        }
        found = list(User.objects.filter(email__in=wanted).only("pk", "email", "display_name"))
        users = {u.email.lower(): u.pk for u in found}
        missing = sorted(wanted - set(users))
        if missing:
            raise forms.ValidationError(
                _("No account for: %(emails)s") % {"emails": ", ".join(missing[:10])}
            )
        if len(users) > 5000:
            raise forms.ValidationError(_("At most 5,000 people per batch."))
        # A certificate prints the holder's name: refuse the batch rather than fail them later.
        nameless = sorted(u.email for u in found if not u.display_name.strip())
        if nameless:
            raise forms.ValidationError(
                _(
                    "These people have not given their name, which the certificate prints: "
                    "%(emails)s. Award them one by one with their name, or ask them to add it."
                )
                % {"emails": ", ".join(nameless[:10])}
            )
        self.holder_ids = list(users.values())
        return self.cleaned_data["emails"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Decline"))],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _may(request, codename: str) -> bool:
    return request.user.has_perm(f"certification.{codename}")


def _render(request, template, context, status=200):
    return TemplateResponse(
        request, f"certification/certificates/admin/{template}", context, status=status
    )


def revoke(request, pk: int):
    if not _may(request, "revoke_certificate"):
        return permission_denied(request)
    certificate = get_object_or_404(
        Certificate.objects.select_related("programme", "holder"), pk=pk
    )
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issuing.revoke_certificate(
                    certificate, by=request.user, reason=form.cleaned_data["reason"]
                )
            except issuing.IssuingError as error:
                messages.error(request, str(error))
                status = error.status
            else:
                messages.success(
                    request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial}
                )
                return HttpResponseRedirect(reverse("certificates:index"))
        else:
            status = 400
    return _render(
        request,
        "action.html",
        {
            "form": form,
            "certificate": certificate,
            "page_title": _("Revoke certificate"),
            "submit": _("Revoke"),
            "danger": True,
        },
        status,
    )


def reissue(request, pk: int):
    if not _may(request, "award_certificate"):
        return permission_denied(request)
    certificate = get_object_or_404(
        Certificate.objects.select_related("programme", "holder"), pk=pk
    )
    form = ReissueForm(request.POST or None, initial={"holder_name": certificate.holder_name})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new = issuing.reissue_certificate(
                    certificate,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    holder_name=form.cleaned_data["holder_name"],
                )
            except issuing.IssuingError as error:
                messages.error(request, str(error))
                status = error.status
            else:
                messages.success(request, _("Reissued as %(serial)s.") % {"serial": new.serial})
                return HttpResponseRedirect(reverse("certificates:index"))
        else:
            status = 400
    return _render(
        request,
        "action.html",
        {
            "form": form,
            "certificate": certificate,
            "page_title": _("Reissue certificate"),
            "submit": _("Reissue"),
        },
        status,
    )


def award(request):
    if not _may(request, "award_certificate"):
        return permission_denied(request)
    form = AwardForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = issuing.award_certificate(
                    form.holder,
                    form.cleaned_data["programme"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    holder_name=form.cleaned_data["holder_name"],
                )
            except issuing.IssuingError as error:
                form.add_error(None, str(error))
                return _render(
                    request,
                    "action.html",
                    {"form": form, "page_title": _("Award a certificate"), "submit": _("Award")},
                    error.status,
                )
            if result.created:
                messages.success(
                    request,
                    _("Certificate %(serial)s awarded.") % {"serial": result.certificate.serial},
                )
            else:
                messages.warning(
                    request,
                    _("%(holder)s already holds a current certificate (%(serial)s).")
                    % {"holder": form.holder, "serial": result.certificate.serial},
                )
            return HttpResponseRedirect(reverse("certificates:index"))
        status = 400
    return _render(
        request,
        "action.html",
        {"form": form, "page_title": _("Award a certificate"), "submit": _("Award")},
        status,
    )


def bulk_issue(request):
    if not _may(request, "award_certificate"):
        return permission_denied(request)
    form = BulkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            bulk = issuing.start_bulk_issue(
                form.cleaned_data["programme"], form.holder_ids, by=request.user
            )
            return HttpResponseRedirect(
                reverse("certification_admin:bulk_progress", args=[bulk.pk])
            )
        status = 400
    return _render(
        request,
        "action.html",
        {
            "form": form,
            "page_title": _("Issue certificates in bulk"),
            "submit": pgettext("bulk issue button", "Start"),
        },
        status,
    )


def bulk_progress(request, pk: int):
    if not _may(request, "award_certificate"):
        return permission_denied(request)
    bulk = get_object_or_404(BulkIssue.objects.select_related("programme"), pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "done": bulk.done,
                "total": bulk.total,
                "issued": bulk.issued,
                "failed": bulk.failed,
                "finished": bulk.finished_at is not None,
            }
        )
    return _render(request, "bulk_progress.html", {"bulk": bulk, "page_title": _("Bulk issue")})


def review(request, pk: int):
    if not _may(request, "change_approvalapplication"):
        return permission_denied(request)
    application = get_object_or_404(
        ApprovalApplication.objects.select_related("applicant", "programme"), pk=pk
    )
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            programme_services.review_application(
                application,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                notes=form.cleaned_data["notes"],
            )
            messages.success(request, _("Decision recorded."))
            return HttpResponseRedirect(reverse("approval_applications:index"))
        status = 400
    return _render(
        request,
        "review.html",
        {"form": form, "application": application, "page_title": _("Review application")},
        status,
    )


urlpatterns = [
    path("award/", award, name="award"),
    path("bulk/", bulk_issue, name="bulk_issue"),
    path("bulk/<int:pk>/", bulk_progress, name="bulk_progress"),
    path("<int:pk>/revoke/", revoke, name="revoke"),
    path("<int:pk>/reissue/", reissue, name="reissue"),
    path("applications/<int:pk>/review/", review, name="review"),
]
