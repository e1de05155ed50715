"""A candidate's side: programmes with their progress, the officer-approval application, the
name printed on certificates, and the holder's own certificates (page, PDF download). Another
person's certificate is a 404."""

import unicodedata
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.errors import ActionRefused
from academy.script import for_language

from ..models import ApprovalApplication, Certificate, Programme
from ..services import issuing, sharing
from ..services import programmes as programme_services
from ..services.issuing import verify_url


class ApplicationForm(forms.Form):
    statement = forms.CharField(
        label=gettext_lazy("Why you are ready"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Teaching experience, topics, links to material (optional)."),
    )


class CertificateLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the PDF"), choices=settings.LANGUAGES
    )


class CertificateNameForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Your name on certificates"),
        max_length=80,
        help_text=gettext_lazy(
            "Printed on your certificates and shown on their public verification page, exactly "
            "as you type it here."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        if "@" in name:
            raise forms.ValidationError(_("Enter your name, not an e-mail address."))
        if any(unicodedata.category(c) == "Cc" for c in name):
            raise forms.ValidationError(_("The name contains characters that cannot be printed."))
        return name


def is_officer(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("certification.view_certificate")
    )


@require_GET
def programme_list(request):
    programmes = list(
        Programme.objects.filter(is_active=True).prefetch_related("requirements").order_by("title")
    )
    rows = []
    for programme in programmes:
        progress = (
            programme_services.programme_progress(request.user, programme)
            if request.user.is_authenticated
            else None
        )
        rows.append({"programme": programme, "progress": progress})
    return render(request, "certification/programmes/programme_list.html", {"rows": rows})


@require_GET
def programme_detail(request, slug: str):
    programme = get_object_or_404(Programme, slug=slug, is_active=True)
    context = {"programme": programme, "form": ApplicationForm()}
    if request.user.is_authenticated:
        context["progress"] = programme_services.programme_progress(request.user, programme)
        context["awaiting_name"] = issuing.awaiting_name(
            request.user, programme, context["progress"]
        )
        context["certificate"] = (
            Certificate.objects.filter(holder=request.user, programme=programme)
            .exclude(status=Certificate.Status.SUPERSEDED)
            .order_by("-cycle")
            .first()
        )
        context["application"] = ApprovalApplication.objects.filter(
            applicant=request.user, programme=programme
        ).first()
    return render(request, "certification/programmes/programme_detail.html", context)


@login_required
@require_POST
def programme_apply(request, slug: str):
    programme = get_object_or_404(Programme, slug=slug, is_active=True)
    form = ApplicationForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "certification/programmes/programme_detail.html",
            {
                "programme": programme,
                "form": form,
                "progress": programme_services.programme_progress(request.user, programme),
            },
            status=400,
        )
    try:
        programme_services.apply_for_approval(
            request.user, programme, form.cleaned_data["statement"]
        )
    except programme_services.ProgrammeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application was sent to the certification officers."))
    return HttpResponseRedirect(reverse("programme_detail", args=[programme.slug]))


def _own_certificate(request, serial: str) -> Certificate:
    certificate = get_object_or_404(
        Certificate.objects.select_related("programme", "holder", "superseded_by"), serial=serial
    )
    # Another holder's certificate does not exist for you (404, not 403: nothing to learn).
    if certificate.holder_id != request.user.pk and not is_officer(request.user):
        raise Http404
    return certificate


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's "add to profile" link, pre-filled with this certificate.

    The page converts what it shows to the reader's script, but not inside a URL: the name is
    converted here. Months are the site's local ones, as the page shows the dates."""
    issued = timezone.localtime(certificate.issued_at)
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": for_language(certificate.programme.title),
        "organizationName": "服务商学院 Provider Academy",
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": verify_url(certificate.serial),
        "certId": certificate.serial,
    }
    if certificate.expires_at:
        expires = timezone.localtime(certificate.expires_at)
        params["expirationYear"] = expires.year
        params["expirationMonth"] = expires.month
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def linkedin_share_url(url: str) -> str:
    """LinkedIn's "share this page" link (for visitors of a holder's public page)."""
    return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})


@login_required
@require_GET
def certificate_detail(request, serial: str):
    certificate = _own_certificate(request, serial)
    return _certificate_page(request, certificate, CertificateLanguageForm())


def _certificate_page(request, certificate: Certificate, language_form, status: int = 200):
    own = certificate.holder_id == request.user.pk
    context = {
        "certificate": certificate,
        "verify_url": verify_url(certificate.serial),
        "linkedin_url": linkedin_url(certificate),
        "language_form": language_form if own and certificate.is_current else None,
    }
    if own and sharing.image_certificate(certificate.serial) is not None:
        context["share"] = {
            "wechat_qr": sharing.wechat_qr_svg(
                context["verify_url"], _("QR code of the verification page, to scan with WeChat")
            ),
            # The public page of all their credentials, once they are listed in the directory.
            "holder_page_url": sharing.holder_page_url(sharing.page_slug_for(request.user))
            if sharing.listed_holder(request.user)
            else "",
        }
    return render(
        request, "certification/certificates/certificate_detail.html", context, status=status
    )


@login_required
@require_POST
def certificate_language(request, serial: str):
    """The holder asks for their certificate in another language and script (same serial)."""
    certificate = _own_certificate(request, serial)
    if certificate.holder_id != request.user.pk:
        raise Http404  # an officer sees the page; only the holder chooses its language
    form = CertificateLanguageForm(request.POST)
    if not form.is_valid():
        return _certificate_page(request, certificate, form, status=400)
    try:
        issuing.redraw_in_language(certificate, form.cleaned_data["language"], by=request.user)
    except (ActionRefused, issuing.IssuingError) as error:
        form.add_error("language", str(error))
        return _certificate_page(request, certificate, form, status=409)
    messages.success(request, _("Your certificate was drawn again and e-mailed to you."))
    return redirect("certificate_detail", serial=certificate.serial)


@login_required
@require_GET
def certificate_download(request, serial: str):
    certificate = _own_certificate(request, serial)
    if not certificate.pdf:
        raise Http404(_("The PDF is still being prepared."))
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.serial}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_name(request):
    """The holder's own name for certificates; a certificate waiting for it is issued next."""
    user = request.user
    form = CertificateNameForm(
        request.POST or None, initial={"name": user.display_name or user.get_full_name()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            issuing.set_certificate_name(user, form.cleaned_data["name"])
        except issuing.IssuingError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("Your name on certificates is saved."))
            return HttpResponseRedirect(reverse("my_academy"))
    return render(
        request,
        "certification/certificates/name.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
