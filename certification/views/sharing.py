"""Sharing a credential: the holder's public page, the share images and the baked badge.
Who may see what is decided in services.sharing (opt-in, valid certificates only)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from academy.ratelimits import rate_limited

from ..serials import normalise
from ..services import sharing
from ..services.issuing import verify_url
from ..share_image import SIZES
from .programmes import linkedin_share_url

# Browsers and WeChat's in-app browser may keep a picture for a while: what it shows is fixed for
# a serial, and a revocation shows on the verification page the QR code leads to.
IMAGE_MAX_AGE = 3600


@require_GET
def holder_credentials(request, slug: str):
    found = sharing.public_holder(slug)
    if found is None:
        raise Http404
    recipient, certificates = found
    page_url = sharing.holder_page_url(slug)
    return render(
        request,
        "certification/sharing/holder_credentials.html",
        {
            "holder_name": sharing.public_name(recipient.holder, certificates),
            "profile": recipient.holder.lecturer_profile,
            "certificates": certificates,
            "page_url": page_url,
            "verify_urls": {c.serial: verify_url(c.serial) for c in certificates},
            "linkedin_url": linkedin_share_url(page_url),
            "wechat_qr": sharing.wechat_qr_svg(
                page_url, _("QR code of this page's address, to scan with WeChat")
            ),
            "og_image": sharing.share_image_url(certificates[0].serial, "chat"),
        },
    )


def _png(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _shareable_or_404(serial: str):
    canonical = normalise(serial)
    certificate = sharing.image_certificate(canonical) if canonical else None
    if certificate is None:
        raise Http404
    return certificate


@require_GET
@rate_limited("verify_lookup")
def share_image(request, serial: str, size: str):
    if size not in SIZES:
        raise Http404
    certificate = _shareable_or_404(serial)
    return _png(sharing.share_png(certificate, size), f"{certificate.serial}-{size}.png")


@require_GET
@rate_limited("verify_lookup")
def baked_badge(request, serial: str):
    """The Open Badges 3.0 baked image: the chat picture carrying the signed credential."""
    certificate = _shareable_or_404(serial)
    return _png(sharing.baked_badge(certificate), f"{certificate.serial}-open-badge.png")
