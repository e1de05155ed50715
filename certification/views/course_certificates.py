"""A holder's own course certificate PDF (verification is in verify.py, for both kinds)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import CourseCertificate
from ..serials import normalise


@login_required
@require_GET
def course_certificate_download(request, serial: str):
    # Another person's certificate is a 404, like one that does not exist.
    certificate = CourseCertificate.objects.filter(
        serial=normalise(serial) or "", holder=request.user
    ).first()
    if certificate is None:
        raise Http404(_("No certificate has this serial."))
    if not certificate.pdf:
        raise Http404(_("The PDF is still being prepared."))
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"course-certificate-{certificate.serial}.pdf",
        content_type="application/pdf",
    )
