"""Public verification: by serial (page, JSON, Open Badges credential), by uploaded PDF, and the
issuer's published key. Anyone may use these; nothing here needs an account."""

from django import forms
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy import page_cache
from academy.params import parse_int
from academy.ratelimits import rate_limited

from .. import badges
from ..baking import PNG_SIGNATURE
from ..models import Certificate, CourseCertificate, StatusList
from ..serials import normalise
from ..services import course_certificates
from ..verification import BADGE, MAX_UPLOAD_BYTES, PDF, verify_badge_png, verify_pdf


class SerialForm(forms.Form):
    serial = forms.CharField(
        label=_("Certificate serial"),
        max_length=30,
        help_text=_("The 12 characters printed under “Serial”, e.g. 8BZP-FG4M-CZFH."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_serial(self):
        serial = normalise(self.cleaned_data["serial"])
        if serial is None:
            raise forms.ValidationError(
                _("This is not a certificate serial: check the characters you typed.")
            )
        return serial


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate PDF or badge image"),
        help_text=_(
            "The signed PDF you were given, or the Open Badges image (PNG) with the credential "
            "inside (up to 5 MB)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf,image/png,.png"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        # PDF readers accept the header anywhere in the first kilobyte; so do we. A PNG starts
        # with its signature.
        head = upload.read(1024)
        upload.seek(0)
        if head.startswith(PNG_SIGNATURE):
            self.kind = BADGE
        elif b"%PDF-" in head:
            self.kind = PDF
        else:
            raise forms.ValidationError(
                _(
                    "This file is not a PDF or a badge image. Upload the certificate's PDF or "
                    "its Open Badges PNG."
                )
            )
        return upload


def _certificate(serial: str) -> Certificate | CourseCertificate:
    canonical = normalise(serial)
    certificate = (
        Certificate.objects.select_related("holder", "programme", "superseded_by")
        .filter(serial=canonical)
        .first()
        if canonical
        else None
    )
    if certificate is None and canonical:
        certificate = course_certificates.find(canonical)
    if certificate is None:
        raise Http404(_("No certificate has this serial."))
    return certificate


def status_record(certificate: Certificate | CourseCertificate) -> dict:
    """The registry's answer about one certificate: the JSON contract (design.md)."""
    if isinstance(certificate, CourseCertificate):
        return course_status_record(certificate)
    record = {
        "serial": certificate.serial,
        "status": certificate.status,
        # The printed name only: the registry never shows an e-mail address.
        "holder": certificate.public_holder_name,
        "programme": certificate.programme.title,
        "level": certificate.programme.level,
        "issued": certificate.issued_at.date().isoformat(),
        "expires": certificate.expires_at.date().isoformat() if certificate.expires_at else None,
        "version": certificate.version,
        "issuer": "服务商学院 Provider Academy",
    }
    if certificate.status == Certificate.Status.REVOKED:
        record["revoked"] = (
            certificate.revoked_at.date().isoformat() if certificate.revoked_at else None
        )
        record["reason"] = certificate.revoked_reason
    if certificate.superseded_by_id:
        record["superseded_by"] = certificate.superseded_by.serial
    return record


def course_status_record(certificate: CourseCertificate) -> dict:
    """The registry's answer about a course certificate: the lecturer record's fields that
    apply, `kind` "course" and the course instead of a programme and level."""
    record = {
        "serial": certificate.serial,
        "kind": "course",
        "status": certificate.status,
        "holder": certificate.public_holder_name,
        "course": certificate.course_title,
        "completed": certificate.completed_at.date().isoformat(),
        "issued": certificate.issued_at.date().isoformat(),
        "expires": None,
        "version": 1,
        "issuer": "服务商学院 Provider Academy",
    }
    if certificate.status == CourseCertificate.Status.REVOKED:
        record["revoked"] = (
            certificate.revoked_at.date().isoformat() if certificate.revoked_at else None
        )
        record["reason"] = certificate.revoked_reason
    return record


# The two look-ups need no CSRF token: they change nothing and need no session, so a forged
# cross-site post could only make a browser check a certificate. Without a token the page is the
# same for every visitor, and the page cache can serve it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify_index(request):
    form = SerialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return HttpResponseRedirect(
            reverse("verify_certificate", args=[form.cleaned_data["serial"]])
        )
    return render(
        request,
        "certification/certificates/verify_index.html",
        {"form": form, "upload_form": UploadForm()},
        status=400 if form.errors else 200,
    )


@csrf_exempt  # see verify_index
@never_cache
@require_POST
@rate_limited("verify_upload")
def verify_upload(request):
    upload_form = UploadForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        return render(
            request,
            "certification/certificates/verify_index.html",
            {"form": SerialForm(), "upload_form": upload_form},
            status=400,
        )
    data = upload_form.cleaned_data["file"].read()
    if upload_form.kind == BADGE:
        verdict = verify_badge_png(data)
        # A picture that is no genuine badge is refused with its reason (the page says which
        # check failed); a PDF keeps its 200 result page, as before.
        status = 200 if verdict.genuine else 400
    else:
        verdict, status = verify_pdf(data), 200
    return render(
        request,
        "certification/certificates/verify_result.html",
        {"verdict": verdict, "certificate": verdict.certificate},
        status=status,
    )


@page_cache.shared
@never_cache
@require_GET
@rate_limited("verify_lookup")
def verify_certificate(request, serial: str):
    certificate = _certificate(serial)
    if certificate.serial != serial:
        return HttpResponseRedirect(reverse("verify_certificate", args=[certificate.serial]))
    return render(
        request,
        "certification/certificates/verify_certificate.html",
        {"certificate": certificate, "record": status_record(certificate)},
    )


@page_cache.shared
@never_cache
@require_GET
@rate_limited("verify_lookup", as_json=True)
def verify_certificate_json(request, serial: str):
    canonical = normalise(serial)
    certificate = (
        Certificate.objects.select_related("holder", "programme", "superseded_by")
        .filter(serial=canonical)
        .first()
        if canonical
        else None
    )
    if certificate is None and canonical:
        certificate = course_certificates.find(canonical)
    if certificate is None:
        return JsonResponse({"error": "not_found", "serial": serial}, status=404)
    response = JsonResponse(status_record(certificate), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@page_cache.shared
@never_cache
@require_GET
@rate_limited("verify_lookup", as_json=True)
def verify_credential(request, serial: str):
    """The certificate as an Open Badges 3.0 VC-JWT, whatever its status: a revoked or replaced
    one is served too, because a verifier reads its status through `credentialStatus` (the same
    signed bytes the holder may already have), not through this response's code."""
    canonical = normalise(serial)
    certificate = (
        Certificate.objects.select_related("holder", "programme").filter(serial=canonical).first()
        if canonical
        else None
    )
    if certificate is None:
        return JsonResponse({"error": "not_found"}, status=404)
    response = HttpResponse(badges.credential_jwt(certificate), content_type=badges.MEDIA_TYPE)
    response["Content-Disposition"] = f'inline; filename="{certificate.serial}.jwt"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@never_cache
@require_GET
def status_list(request, number: str):
    """A Bitstring Status List credential (revocation), signed like the credentials and built
    from the database at each request, so a revocation reads at once."""
    pk = parse_int(number, minimum=1)
    found = StatusList.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        return JsonResponse({"error": "not_found"}, status=404)
    response = HttpResponse(badges.status_list_jwt(found), content_type=badges.MEDIA_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def public_key(request, thumbprint: str):
    """The public JWK a credential header's `kid` names (OB 3.0: `kid` dereferences to a JWK)."""
    if thumbprint != badges.signing_key().thumbprint():
        return JsonResponse({"error": "not_found"}, status=404)
    response = JsonResponse(badges.public_jwk())
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def jwks(request):
    response = JsonResponse(badges.jwks())
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def issuer(request):
    profile = badges.issuer_profile()
    profile["@context"] = badges.OB3_CONTEXT
    profile["publicKey"] = request.build_absolute_uri(reverse("certificate_jwks"))
    return JsonResponse(profile, json_dumps_params={"ensure_ascii": False})
