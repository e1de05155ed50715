"""Verify an uploaded certificate PDF: is the signature intact, made by our key, covering the
whole file, and does the file match what the registry issued under its serial?

Each check closes a forgery the others leave open (stack-notes §8): a changed byte breaks the
digest (intact); an incremental update painted over the name after signing keeps the signature
intact, so the signature must cover the entire file; a PDF signed by someone else's key fails
trust; and the file's SHA-256 must be the one recorded when the registry issued it.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext_lazy as _

from . import badges, baking, signing
from .models import Certificate, Recipient
from .serials import normalise

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

STATUS_MESSAGES = {
    Certificate.Status.VALID: _("Genuine and valid."),
    Certificate.Status.EXPIRED: _("Genuine, but the certificate has expired."),
    Certificate.Status.REVOKED: _("Genuine, but the certificate has been revoked."),
    Certificate.Status.SUPERSEDED: _("Genuine, but replaced by a newer version."),
}


PDF = "pdf"
BADGE = "badge"


@dataclass
class Verdict:
    outcome: str
    message: str
    signature_intact: bool = False
    covers_whole_file: bool = False
    trusted: bool = False
    matches_registry: bool = False
    serial: str = ""
    certificate: Certificate | None = None
    # What was checked: a signed PDF, or a baked Open Badges PNG (whose signature covers the
    # credential inside it, not the picture: `covers_whole_file` does not apply).
    kind: str = PDF

    @property
    def genuine(self) -> bool:
        """The file (a PDF) or the credential (a badge) is exactly the one we issued."""
        return (
            self.signature_intact
            and (self.covers_whole_file or self.kind == BADGE)
            and self.trusted
            and self.matches_registry
        )

    @property
    def valid(self) -> bool:
        """Genuine and current: what `verify_certificate` exits 0 for."""
        return self.genuine and self.certificate.status == Certificate.Status.VALID

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "outcome": self.outcome,
            "message": str(self.message),
            "signature_intact": self.signature_intact,
            "covers_whole_file": self.covers_whole_file,
            "trusted": self.trusted,
            "matches_registry": self.matches_registry,
            "serial": self.serial,
            "status": self.certificate.status if self.certificate else None,
        }


def _serial_from(reader) -> str:
    try:
        info = reader.trailer["/Info"]
        keywords = str(info.get("/Keywords", ""))
    except (KeyError, TypeError, ValueError):
        return ""
    for word in keywords.split():
        if word.startswith("serial:"):
            return normalise(word.removeprefix("serial:")) or ""
    return ""


def verify_pdf(data: bytes) -> Verdict:
    """Check `data` (a PDF) against our signature and the registry; never raises on bad input."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF-"):
        return Verdict("not_pdf", _("This file is not a PDF."))
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, OSError) as error:
        logger.info("Unreadable PDF uploaded for verification: %s", error)
        return Verdict("unreadable", _("This PDF could not be read; it may be damaged."))
    if not signatures:
        return Verdict("unsigned", _("This PDF carries no digital signature."))
    try:
        status = signing.outside_event_loop(
            validate_pdf_signature,
            signatures[-1],
            ValidationContext(trust_roots=signing.trust_roots()),
        )
    except Exception as error:  # pyHanko raises many kinds on malformed CMS; all mean "tampered".
        logger.info("Signature validation failed: %s", error)
        return Verdict("tampered", _("The signature is damaged: the file has been altered."))

    verdict = Verdict(
        "tampered",
        "",
        signature_intact=bool(status.intact and status.valid),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        and len(signatures) == 1,
        trusted=bool(status.trusted),
        serial=_serial_from(reader),
    )
    if not verdict.signature_intact:
        verdict.message = _("The file was changed after it was signed: it is not genuine.")
        return verdict
    if not verdict.covers_whole_file:
        verdict.message = _(
            "Content was added after the signature (the signature does not cover the whole "
            "file): it is not genuine."
        )
        return verdict
    if not verdict.trusted:
        verdict.outcome = "untrusted"
        verdict.message = _("The signature is intact but was not made by the academy's key.")
        return verdict
    verdict.certificate = (
        Certificate.objects.select_related("programme", "holder", "superseded_by")
        .filter(serial=verdict.serial)
        .first()
        if verdict.serial
        else None
    )
    if verdict.certificate is None and verdict.serial:
        # One serial namespace for both kinds: a course certificate verifies the same way.
        from .services.course_certificates import find

        verdict.certificate = find(verdict.serial)
    if verdict.certificate is None:
        verdict.outcome = "unknown"
        verdict.message = _("The signature is genuine but no certificate with this serial exists.")
        return verdict
    digest = hashlib.sha256(data).hexdigest()
    # A copy drawn before the holder asked for another script is as genuine as the current one.
    verdict.matches_registry = digest == verdict.certificate.pdf_sha256 or digest in (
        verdict.certificate.earlier_pdf_sha256 or []
    )
    if not verdict.matches_registry:
        verdict.outcome = "mismatch"
        verdict.message = _("This file does not match the certificate the registry issued.")
        return verdict
    verdict.outcome = verdict.certificate.status
    verdict.message = STATUS_MESSAGES[verdict.certificate.status]
    return verdict


def _header(token: str) -> dict:
    """The JOSE header of a compact JWS, read without verifying (to tell whose key it names)."""
    from jwcrypto.common import base64url_decode

    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise ValueError("not a compact JWS")
    header = json.loads(base64url_decode(parts[0]))
    if not isinstance(header, dict):
        raise ValueError("the JOSE header is not an object")
    return header


def _claimed_serial(claims: dict) -> str:
    subject = claims.get("credentialSubject")
    number = subject.get("licenseNumber") if isinstance(subject, dict) else None
    return (normalise(number) or "") if isinstance(number, str) else ""


def verify_badge_png(data: bytes) -> Verdict:
    """Check a baked Open Badges PNG (certification.baking): extract its credential, verify the
    signature with the academy's published key (the JWKS), find its certificate in the registry
    and read its status there (what the credential's status list publishes). Never raises on
    bad input; anything but a genuine credential is a verdict with a reason."""
    if not data.startswith(baking.PNG_SIGNATURE):
        return Verdict("not_pdf", _("This file is not a PNG image."), kind=BADGE)
    try:
        token = baking.extract(data).strip()
    except baking.NoCredential:
        return Verdict(
            "unsigned",
            _("This image carries no Open Badges credential: it is not a baked badge."),
            kind=BADGE,
        )
    except baking.NotBaked as error:
        logger.info("Unreadable PNG uploaded for verification: %s", error)
        return Verdict(
            "unreadable", _("This image could not be read; it may be damaged."), kind=BADGE
        )
    try:
        kid = _header(token).get("kid")
    except (ValueError, UnicodeDecodeError) as error:
        logger.info("Malformed credential in an uploaded badge: %s", error)
        return Verdict(
            "tampered",
            _("The credential in this image is damaged: it has been altered."),
            kind=BADGE,
        )
    if kid not in {key.get("kid") for key in badges.jwks()["keys"]}:
        return Verdict(
            "untrusted",
            _("The credential in this image was not signed with the academy's key."),
            kind=BADGE,
        )
    verdict = Verdict("tampered", "", trusted=True, kind=BADGE)
    try:
        claims = baking.verify_token(token, check_dates=False)
    except Exception as error:  # jwcrypto raises many kinds on a forged token; all mean "altered".
        logger.info("Badge credential does not verify: %s", error)
        verdict.message = _(
            "The credential's signature does not verify: it was changed after it was signed."
        )
        return verdict
    verdict.signature_intact = True
    verdict.serial = _claimed_serial(claims)
    verdict.certificate = (
        Certificate.objects.select_related("programme", "holder", "superseded_by")
        .filter(serial=verdict.serial)
        .first()
        if verdict.serial
        else None
    )
    if verdict.certificate is None:
        verdict.outcome = "unknown"
        verdict.message = _("The signature is genuine but no certificate with this serial exists.")
        return verdict
    recipient = Recipient.objects.filter(holder_id=verdict.certificate.holder_id).first()
    verdict.matches_registry = (
        recipient is not None
        and claims.get("sub") == recipient.subject_id
        and claims.get("nbf") == int(verdict.certificate.issued_at.timestamp())
    )
    if not verdict.matches_registry:
        verdict.outcome = "mismatch"
        verdict.message = _("This credential does not match the certificate the registry issued.")
        return verdict
    verdict.outcome = verdict.certificate.status
    verdict.message = STATUS_MESSAGES[verdict.certificate.status]
    return verdict
