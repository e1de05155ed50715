"""Shareable credentials: the holder's public page, share images and baked badges.

Who may see what:
- The public holder page (/credentials/<page_slug>/) exists only while the holder opts in to the
  public directory (LecturerProfile.listed, the one switch the teaching desk offers) and holds at
  least one valid certificate; it lists the valid ones only (not revoked, replaced or expired).
- A share image or baked badge shows exactly what the public verification page already shows for
  that serial (printed name, programme, serial), so it is served for any valid certificate to
  whoever knows the serial, like that page; anything else (revoked, expired, replaced) is a 404.
"""

import hashlib
from datetime import datetime

import segno
from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from academy.script import HANS, HANT, script_of_language, to_script

from .. import badges, baking, share_image
from ..models import Certificate, CertificateSettings, Recipient
from ..pdf import LEVELS
from . import credential_status
from .issuing import verify_url

# Cached images are kept for a week; the key changes whenever what they show could change.
IMAGE_CACHE_SECONDS = 7 * 24 * 3600
BADGE_SIZE = "chat"  # the baked badge is the chat picture with the credential inside


def shareable(queryset=None, now: datetime | None = None):
    """Certificates a holder may share: valid and not past their expiry (the daily sweep marks
    expired ones; until it runs, the date decides)."""
    now = now or timezone.now()
    queryset = queryset if queryset is not None else Certificate.objects.all()
    return queryset.filter(status=Certificate.Status.VALID).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def page_slug_for(holder) -> str:
    """The holder's public page address, created the first time it is asked for."""
    recipient = credential_status.recipient_for(holder)
    if not recipient.page_slug:  # a row from before the column, missed by the migration
        recipient.save(update_fields=["page_slug"])
    return recipient.page_slug


def _absolute(name: str, *args) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(name, args=args)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def share_image_url(serial: str, size: str) -> str:
    return _absolute("share_image", serial, size)


def holder_page_url(slug: str) -> str:
    """The holder page's public URL (default language: the reader's own choice applies there)."""
    return _absolute("holder_credentials", slug)


def public_holder(slug: str):
    """(recipient with holder and lecturer profile, valid certificates) for a public page, or None
    when the page does not exist for the public: unknown slug, not opted in, nothing valid."""
    recipient = (
        Recipient.objects.select_related("holder", "holder__lecturer_profile")
        .filter(page_slug=slug, holder__is_active=True, holder__lecturer_profile__listed=True)
        .first()
    )
    if recipient is None:
        return None
    certificates = list(
        shareable(Certificate.objects.filter(holder_id=recipient.holder_id))
        .select_related("programme")
        .order_by("-issued_at")
    )
    if not certificates:
        return None
    return recipient, certificates


def public_name(holder, certificates) -> str:
    """The name the public page shows: the printed name of the latest certificate (what the
    verification pages show), else the holder's chosen name; never an e-mail address."""
    for certificate in certificates:
        if certificate.public_holder_name:
            return certificate.public_holder_name
    name = " ".join((holder.display_name or "").split())
    return "" if "@" in name else name


def wechat_qr_svg(url: str, label: str) -> SafeString:
    """A QR code of `url` to scan with WeChat (which opens it in its browser, from where it can be
    sent to a chat or Moments): inline SVG, labelled for screen readers."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code", lineclass=None)
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def public_page_slugs(holder_ids) -> dict[int, str]:
    """{holder id: page address} for the holders among `holder_ids` whose public page is open
    (the rules of `public_holder`: active, opted in, a valid certificate), in one query. Pages
    that list lecturers link there; a holder missing here gets verify links per certificate."""
    ids = list(holder_ids)
    if not ids:
        return {}
    return dict(
        Recipient.objects.filter(
            holder_id__in=ids,
            holder__is_active=True,
            holder__lecturer_profile__listed=True,
            page_slug__isnull=False,
        )
        .filter(Exists(shareable(Certificate.objects.filter(holder_id=OuterRef("holder_id")))))
        .values_list("holder_id", "page_slug")
    )


def listed_holder(holder) -> bool:
    """Whether the holder opted in to the public directory (and so to their public page)."""
    profile = getattr(holder, "lecturer_profile", None)
    return bool(profile and profile.listed)


# --- Share images ----------------------------------------------------------------------------


def image_certificate(serial: str) -> Certificate | None:
    """The certificate a share image may be drawn for (valid), or None."""
    return shareable(Certificate.objects.filter(serial=serial)).select_related("programme").first()


def share_content(certificate: Certificate) -> share_image.ShareContent:
    script = HANT if script_of_language(certificate.language) == HANT else HANS

    def zh(text: str) -> str:
        return to_script(text, script)

    expires = timezone.localtime(certificate.expires_at) if certificate.expires_at else None
    valid_until = (
        zh(f"有效期至 {expires:%Y-%m-%d} · Valid until {expires:%d %b %Y}")
        if expires
        else zh("长期有效 · No expiry")
    )
    return share_image.ShareContent(
        # Printed as the holder wrote it, like on the PDF: never converted.
        holder_name=certificate.public_holder_name or "",
        programme_title=zh(certificate.programme.title),
        programme_title_en=certificate.programme.title_en,
        level=certificate.programme.level,
        serial=certificate.serial,
        verify_url=verify_url(certificate.serial),
        issuer=zh(CertificateSettings.load().issuer_name),
        heading=zh("讲师认证证书"),
        scan_label=zh("扫码验证 · Scan to verify"),
        serial_label=zh("证书编号"),
        valid_until=valid_until,
    )


def _cache_key(kind: str, certificate: Certificate, size: str, extra: str = "") -> str:
    # Everything the picture depends on: a new name or script, a renewal (new serial), a status
    # change, a new version, a changed issuer name or signing key all make a new key.
    parts = [
        certificate.serial,
        certificate.language,
        size,
        certificate.status,
        str(certificate.version),
        certificate.holder_name,
        str(certificate.expires_at),
        certificate.programme.title,
        certificate.programme.title_en,
        extra,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    return f"certification:{kind}:{certificate.serial}:{digest}"


def share_png(certificate: Certificate, size: str) -> bytes:
    """The share image of `certificate` at `size` ("moments" or "chat"), drawn once and cached."""
    frame = share_image.SIZES[size]
    content = share_content(certificate)
    key = _cache_key("share", certificate, size, content.issuer)
    png = cache.get(key)
    if png is None:
        level_zh, level_en = LEVELS.get(certificate.programme.level, ("", ""))
        script = HANT if script_of_language(certificate.language) == HANT else HANS
        png = share_image.draw(content, frame, to_script(level_zh, script), level_en)
        cache.set(key, png, IMAGE_CACHE_SECONDS)
    return png


def baked_badge(certificate: Certificate) -> bytes:
    """The chat-size picture with the certificate's OB 3.0 credential (VC-JWT) baked in."""
    key = _cache_key("badge", certificate, BADGE_SIZE, badges.signing_key().thumbprint())
    png = cache.get(key)
    if png is None:
        png = baking.bake(share_png(certificate, BADGE_SIZE), badges.credential_jwt(certificate))
        cache.set(key, png, IMAGE_CACHE_SECONDS)
    return png
