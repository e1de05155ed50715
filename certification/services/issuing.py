"""Issuing certificates and their lifecycle: issue (automatic, manual, bulk), the signed PDF and
its e-mail, revocation, reissue on a name correction, renewal, expiry and reminders.

The invariant: exactly one current (not superseded) certificate per holder, programme and cycle.
The database holds it (`certificate_one_current_per_cycle`); issuing also locks the holder's row
first, so two workers issuing the same person queue up instead of colliding, and a task run twice
finds the first run's certificate and does nothing.

Over 600 lines on purpose: every step of the lifecycle takes the same holder lock and keeps the
same invariant, and reading them side by side is how that is checked; the PDF, the signing, the
badges and the e-mail texts are in modules of their own.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import batches, mail, outbox
from academy.errors import AcademyError, ActionRefused
from academy.models import LecturerProfile
from academy.script import render_text
from academy.services import profile_language
from academy.site_url import absolute_url, reverse_absolute

from .. import pdf, signing
from ..models import AuditEntry, BulkIssue, Certificate, CertificateSettings, Programme
from . import credential_status
from .programmes import ProgrammeProgress, programme_progress

logger = logging.getLogger(__name__)
Status = Certificate.Status
Origin = Certificate.Origin
REMINDER_DAYS = (60, 30, 7)


class IssuingError(AcademyError):
    """Issuing refused: requirements not met, a reason or a name missing…"""


class RequirementsNotMet(IssuingError):
    pass


class ReasonRequired(IssuingError):
    pass


class NotCurrent(IssuingError):
    pass


class NameRequired(IssuingError):
    pass


@dataclass
class Issued:
    certificate: Certificate | None
    created: bool
    # Every requirement holds but the holder has not given their name: nothing issued yet.
    awaiting_name: bool = False


def _add_months(value: datetime, months: int) -> datetime:
    month = value.month - 1 + months
    year = value.year + month // 12
    month = month % 12 + 1
    # Clamp the day: 31 January + 1 month is the last day of February.
    for day in (value.day, 30, 29, 28):
        try:
            return value.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(value)


def verify_url(serial: str) -> str:
    """The public verification URL printed on the certificate (default language, no prefix)."""
    return reverse_absolute("verify_certificate", serial)


def certificate_name(holder, supplied: str = "") -> str:
    """The name printed on a certificate: `supplied` (an officer's), else the holder's display
    name. A certificate is public, so without a real name it is not issued: never the e-mail."""
    name = " ".join((supplied or holder.display_name or "").split())
    if not name:
        raise NameRequired(
            _(
                "This person has not given the name to print on the certificate. Ask them to add "
                "it in My academy, or enter it here."
            )
        )
    if "@" in name:
        raise NameRequired(_("Give a name to print on the certificate, not an e-mail address."))
    return name[:120]


def _audit(action, *, certificate=None, programme=None, subject=None, by=None, reason=""):
    AuditEntry.objects.create(
        action=action,
        actor=by,
        certificate=certificate,
        programme=programme or (certificate.programme if certificate else None),
        subject=subject or (certificate.holder if certificate else None),
        reason=reason,
    )


def _lock_holder(holder):
    # The holder's row guards "one current certificate per holder/programme/cycle": whoever holds
    # it decides alone which cycle comes next. (SQLite serialises writers at BEGIN anyway.)
    User = get_user_model()
    return User.objects.select_for_update().get(pk=holder.pk)


def _latest(holder, programme) -> Certificate | None:
    return (
        Certificate.objects.filter(holder_id=holder.pk, programme_id=programme.pk)
        .exclude(status=Status.SUPERSEDED)
        .order_by("-cycle")
        .first()
    )


def _in_renewal_window(certificate: Certificate, programme: Programme, now: datetime) -> bool:
    return bool(
        certificate.expires_at
        and certificate.expires_at - now <= timedelta(days=programme.renewal_window_days)
    )


def _create(
    holder,
    programme,
    *,
    cycle: int,
    version: int,
    origin: str,
    issued_at,
    expires_at,
    holder_name: str,
    language: str,
) -> Certificate | None:
    """Insert one certificate with its status list position; None when another transaction
    already holds this cycle."""
    from ..serials import new_serial

    try:
        with transaction.atomic():
            credential_status.recipient_for(holder)
            status_list, status_index = credential_status.allocate_status_entry()
            return Certificate.objects.create(
                holder=holder,
                programme=programme,
                serial=new_serial(),
                status=Status.VALID,
                issued_at=issued_at,
                expires_at=expires_at,
                cycle=cycle,
                version=version,
                origin=origin,
                holder_name=holder_name,
                language=language,
                status_list=status_list,
                status_index=status_index,
            )
    except IntegrityError:
        return None


def _note_awaiting_name(holder, programme, latest: Certificate | None) -> None:
    """Record once (per cycle) that issuing waits for the holder's name; the programme page
    asks the holder for it, and setting it runs issuing again."""
    waiting = AuditEntry.objects.filter(
        action=AuditEntry.Action.AWAITING_NAME, subject_id=holder.pk, programme=programme
    )
    if latest is not None:
        waiting = waiting.filter(created_at__gt=latest.issued_at)
    if not waiting.exists():
        _audit(AuditEntry.Action.AWAITING_NAME, programme=programme, subject=holder)


def _issue_record(
    holder,
    programme,
    *,
    origin: str,
    by=None,
    reason: str = "",
    check_requirements: bool,
    holder_name: str = "",
    progress: ProgrammeProgress | None = None,
) -> Issued:
    with transaction.atomic():
        holder = _lock_holder(holder)
        now = timezone.now()
        latest = _latest(holder, programme)
        renewing = None
        if latest is not None:
            if latest.status == Status.VALID and not _in_renewal_window(latest, programme, now):
                return Issued(latest, False)
            if latest.status == Status.REVOKED and origin == Origin.AUTOMATIC:
                # A revoked holder is not re-certified by the rules alone: an officer decides.
                return Issued(latest, False)
            if latest.status == Status.VALID:
                renewing = latest
        if check_requirements and not (progress or programme_progress(holder, programme)).complete:
            raise RequirementsNotMet(_("Not every requirement of the programme is met yet."))
        try:
            name = certificate_name(holder, holder_name)
        except NameRequired:
            if origin != Origin.AUTOMATIC:
                raise
            _note_awaiting_name(holder, programme, latest)
            return Issued(None, False, awaiting_name=True)
        if holder_name and not holder.display_name.strip():
            # An officer supplied the name of a holder who had none: it becomes theirs.
            holder.display_name = name[:80]
            holder.save(update_fields=["display_name"])
        cycle = latest.cycle + 1 if latest else 1
        starts = renewing.expires_at if renewing else now
        certificate = _create(
            holder,
            programme,
            cycle=cycle,
            version=1,
            origin=Origin.RENEWAL if renewing and origin == Origin.AUTOMATIC else origin,
            issued_at=now,
            expires_at=_add_months(starts, programme.validity_months)
            if programme.validity_months
            else None,
            holder_name=name,
            language=profile_language(holder),
        )
        if certificate is None:
            return Issued(_latest(holder, programme), False)
        if renewing is not None:
            renewing.status = Status.SUPERSEDED
            renewing.superseded_by = certificate
            renewing.save(update_fields=["status", "superseded_by"])
        action = {
            Origin.MANUAL: AuditEntry.Action.AWARDED,
            Origin.BULK: AuditEntry.Action.BULK,
        }.get(origin, AuditEntry.Action.RENEWED if renewing else AuditEntry.Action.ISSUED)
        _audit(action, certificate=certificate, by=by, reason=reason)
        sync_authorisations(holder)
        return Issued(certificate, True)


def issue_certificate(
    holder,
    programme: Programme,
    *,
    origin: str = Origin.AUTOMATIC,
    by=None,
    reason: str = "",
    notify: bool = True,
    holder_name: str = "",
    progress: ProgrammeProgress | None = None,
) -> Issued:
    """Issue `programme`'s certificate to `holder` if every requirement holds; idempotent.

    Creates the record, then draws, signs, stores and e-mails the PDF (outside the record's
    transaction: a failure there leaves a valid record that `publish` completes later).
    Without a name to print, an officer's issue is refused (NameRequired) and an automatic one
    waits for the holder to give it (`Issued.awaiting_name`). `progress`: the holder's progress
    in `programme` when the caller has just evaluated it (not evaluated again).
    """
    issued = _issue_record(
        holder,
        programme,
        origin=origin,
        by=by,
        reason=reason,
        check_requirements=origin == Origin.AUTOMATIC,
        holder_name=holder_name,
        progress=progress,
    )
    if issued.certificate is not None and issued.certificate.status == Status.VALID:
        issued.certificate = publish(issued.certificate, notify=notify)
    return issued


def award_certificate(
    holder, programme: Programme, *, by, reason: str, notify: bool = True, holder_name: str = ""
) -> Issued:
    """An officer's manual award, whatever the requirements say; the reason is recorded.
    `holder_name` is printed instead of the holder's display name (and becomes their display
    name when they have none)."""
    if not reason.strip():
        raise ReasonRequired(_("Give the reason for the award."))
    return issue_certificate(
        holder,
        programme,
        origin=Origin.MANUAL,
        by=by,
        reason=reason.strip(),
        notify=notify,
        holder_name=holder_name,
    )


def set_certificate_name(user, name: str) -> None:
    """The holder gives the name printed on their certificates (their display name). Issuing
    that waited for it runs again once this commits."""
    with transaction.atomic():
        user = _lock_holder(user)
        user.display_name = certificate_name(user, name)[:80]
        user.save(update_fields=["display_name"])
        check_programmes_later(user.pk)
        from .. import tasks

        outbox.enqueue(tasks.issue_due_course_certificates, user.pk)


def awaiting_name(holder, programme: Programme, progress=None) -> bool:
    """Whether `programme`'s certificate waits only for `holder`'s name (for the pages)."""
    if holder.display_name.strip():
        return False
    progress = progress or programme_progress(holder, programme)
    # A revoked holder is not re-certified automatically, so a name would not help them.
    return progress.complete and not (
        Certificate.objects.filter(
            holder_id=holder.pk, programme=programme, status__in=[Status.VALID, Status.REVOKED]
        ).exists()
    )


def check_programmes_later(holder_id: int) -> None:
    """Re-check `holder_id`'s programmes once the current transaction commits (through the
    outbox: the re-check commits or rolls back with the fact that may complete a programme).

    Called directly by certification's own facts (a graded pass, an approval, a name given) and
    by certification/receivers.py for the other apps' facts."""
    from .. import tasks

    outbox.enqueue(tasks.check_programmes, holder_id)


def check_programmes(holder) -> list[Certificate]:
    """Issue every active programme whose requirements `holder` now meets; the new certificates.

    Each programme is evaluated once: its progress goes with the issue, which then does not
    evaluate it again (the evidence comes from other apps and no lock of ours guards it, so
    evaluating again under the holder's lock would prove nothing more)."""
    from .programmes import programmes_with_requirements

    issued = []
    cache: dict = {}  # the holder's lecturer record, ratings … looked up once for all programmes
    for programme in programmes_with_requirements():
        progress = programme_progress(holder, programme, cache=cache)
        if not progress.complete:
            continue
        result = issue_certificate(holder, programme, progress=progress)
        if result.created:
            issued.append(result.certificate)
    return issued


# --- The PDF -----------------------------------------------------------------------------------


def _image_bytes(image) -> bytes | None:
    if image is None:
        return None
    try:
        with image.file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        logger.warning("Certificate image %s could not be read", image.pk)
        return None


def content_for(certificate: Certificate, look: CertificateSettings | None = None):
    look = look or CertificateSettings.load()
    programme = certificate.programme
    return pdf.CertificateContent(
        serial=certificate.serial,
        holder_name=certificate.public_holder_name or certificate_name(certificate.holder),
        programme_title=programme.title,
        programme_title_en=programme.title_en,
        level=programme.level,
        issued_at=timezone.localtime(certificate.issued_at),
        expires_at=timezone.localtime(certificate.expires_at) if certificate.expires_at else None,
        issuer=look.issuer_name,
        verify_url=verify_url(certificate.serial),
        version=certificate.version,
        language=certificate.language,
        signatory_name=look.signatory_name,
        signatory_title=look.signatory_title,
        signature_image=_image_bytes(look.signature_image),
        seal_image=_image_bytes(look.seal_image),
    )


def signed_pdf(certificate: Certificate) -> bytes:
    content = content_for(certificate)
    missing = pdf.missing_glyphs(content.holder_name + content.programme_title)
    if missing:
        logger.warning(
            "Certificate %s: the font has no glyph for %r; they print blank",
            certificate.serial,
            missing,
        )
    return signing.sign_pdf(
        pdf.render(content),
        reason=f"Lecturer certificate {certificate.serial}",
    )


def publish(certificate: Certificate, *, notify: bool = True) -> Certificate:
    """Draw, sign and store the PDF once, then have it e-mailed once; safe to call again.

    The e-mail is a task of its own (through the outbox): an officer's award in the admin or a
    holder's redraw never waits on the mail server, and a refusing server loses nothing."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("programme", "holder")
            .get(pk=certificate.pk)
        )
        if not certificate.pdf_sha256:
            data = signed_pdf(certificate)
            certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(data), save=False)
            certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
            certificate.save(update_fields=["pdf", "pdf_sha256"])
        if notify:
            _email_later(certificate)
    return certificate


def _email_later(certificate: Certificate) -> None:
    from .. import tasks

    outbox.enqueue(tasks.email_certificate, certificate.pk)


def send_certificate_email(certificate: Certificate) -> bool:
    """The signed PDF to the holder, once."""
    current = Certificate.objects.select_related("holder").filter(pk=certificate.pk).first()
    if current is None or current.emailed_at or not current.pdf_sha256:
        return False
    # Read from storage before any lock is taken: the PDF never changes once stored.
    with current.pdf.open("rb") as handle:
        attachment = handle.read()

    def compose() -> EmailMessage | None:
        locked = (
            Certificate.objects.select_for_update()
            .select_related("programme", "holder")
            .get(pk=current.pk)
        )
        if locked.emailed_at or locked.pdf_sha256 != current.pdf_sha256 or not locked.holder.email:
            return None
        context = {"certificate": locked, "verify_url": verify_url(locked.serial)}
        # In the holder's language and script, like the PDF attached.
        language = locked.language
        subject = render_text(
            "certification/certificates/email/issued_subject.txt", context, language
        ).strip()
        body = render_text("certification/certificates/email/issued_message.txt", context, language)
        message = EmailMessage(subject, body, to=[locked.holder.email])
        message.attach(f"{locked.serial}.pdf", attachment, "application/pdf")
        return message

    return mail.send_once(
        # Each drawing of the PDF (a redraw in another script) is mailed once.
        f"certificate:{current.serial}:issued:{current.pdf_sha256[:16]}",
        kind="certificate",
        compose=compose,
        mark_sent=lambda: Certificate.objects.filter(pk=current.pk).update(
            emailed_at=timezone.now()
        ),
    )


# A certificate issued this long ago without its PDF or e-mail is no longer being published by
# the task that issued it (that task finished, failed or died): the completion sweep takes over.
PUBLISH_GRACE = timedelta(minutes=15)
# A missed e-mail is still sent this long after issue; later it would be news to nobody.
LATE_MAIL_UP_TO = timedelta(days=7)


def unfinished_certificates(now: datetime | None = None) -> QuerySet[Certificate]:
    """Valid certificates whose publication stopped half-way: no signed PDF (drawing or signing
    failed, the worker died), or no e-mail yet though issued lately to a holder with an address."""
    now = now or timezone.now()
    no_pdf = Q(pdf_sha256="")
    not_mailed = Q(emailed_at__isnull=True, issued_at__gte=now - LATE_MAIL_UP_TO) & ~Q(
        holder__email=""
    )
    return (
        Certificate.objects.filter(status=Status.VALID, issued_at__lte=now - PUBLISH_GRACE)
        .filter(no_pdf | not_mailed)
        .order_by("issued_at", "pk")
    )


def complete_certificates(now: datetime | None = None) -> int:
    """Queue `publish` (draw, sign, store, e-mail: each step once) for every unfinished
    certificate; the hourly sweep. Returns how many were queued."""
    from .. import tasks

    ids = list(unfinished_certificates(now).values_list("pk", flat=True))
    return batches.run(
        ids,
        lambda pk: outbox.enqueue(tasks.publish_certificate, pk),
        job="complete certificates",
    ).done


# --- Lifecycle ---------------------------------------------------------------------------------


def teaching_topics() -> list[str]:
    """Every topic a programme authorises (events offers them as an event's topic through
    academy.teaching; registered in CertificationConfig.ready)."""
    topics: list[str] = []
    for programme in Programme.objects.order_by("pk"):
        topics += [t for t in programme.topic_list if t not in topics]
    return topics


def sync_authorisations(holder) -> list[str]:
    """Write the topics `holder` may teach (from valid certificates) onto their lecturer record."""
    topics: list[str] = []
    for programme in Programme.objects.filter(
        certificates__holder_id=holder.pk, certificates__status=Status.VALID
    ).distinct():
        for topic in programme.topic_list:
            if topic not in topics:
                topics.append(topic)
    LecturerProfile.objects.filter(user_id=holder.pk).update(authorised_topics=topics)
    return topics


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, by, reason: str) -> Certificate:
    """Revoke with a reason: visible at once on the verification page, JSON and badge."""
    if not reason.strip():
        raise ReasonRequired(_("Give the reason for the revocation."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != Status.VALID:
        raise NotCurrent(_("Only a valid certificate can be revoked."))
    certificate.status = Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
    _audit(
        AuditEntry.Action.REVOKED, certificate=certificate, by=by, reason=certificate.revoked_reason
    )
    sync_authorisations(certificate.holder)
    return certificate


def reissue_certificate(
    certificate: Certificate, *, by, reason: str, holder_name: str = ""
) -> Certificate:
    """A new version of a valid certificate (e.g. a name correction); the old one is superseded
    and names its successor. Same cycle and dates, new serial and PDF."""
    if not reason.strip():
        raise ReasonRequired(_("Give the reason for the reissue."))
    with transaction.atomic():
        old = (
            Certificate.objects.select_for_update().select_related("holder").get(pk=certificate.pk)
        )
        if old.status != Status.VALID:
            raise NotCurrent(_("Only a valid certificate can be reissued."))
        name = certificate_name(old.holder, holder_name)
        old.status = Status.SUPERSEDED
        old.save(update_fields=["status"])
        new = _create(
            old.holder,
            old.programme,
            cycle=old.cycle,
            version=old.version + 1,
            origin=Origin.REISSUE,
            issued_at=timezone.now(),
            expires_at=old.expires_at,
            holder_name=name,
            language=old.language,
        )
        if new is None:
            raise NotCurrent(_("The certificate changed meanwhile; try again."))
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        _audit(AuditEntry.Action.REISSUED, certificate=new, by=by, reason=reason.strip())
    publish(new)
    return new


class LanguageUnchanged(ActionRefused):
    """The certificate is already drawn in the language asked for."""


def redraw_in_language(certificate: Certificate, language: str, *, by) -> Certificate:
    """The holder's certificate drawn again in another language and script (認證講師 ↔ 认证讲师):
    same serial, dates and status, a newly signed PDF e-mailed to them; the file drawn before
    stays genuine for the verifier. Recorded in the audit log."""
    if language not in dict(settings.LANGUAGES):
        raise ActionRefused(_("Choose one of the languages the academy speaks."), status=400)
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("programme", "holder")
            .get(pk=certificate.pk)
        )
        if certificate.status != Status.VALID:
            raise NotCurrent(_("Only a valid certificate can be reissued."))
        if certificate.language == language:
            raise LanguageUnchanged(_("The certificate is already in this language."))
        previous = certificate.language
        certificate.language = language
        data = signed_pdf(certificate)
        if certificate.pdf_sha256:
            certificate.earlier_pdf_sha256 = [
                *certificate.earlier_pdf_sha256,
                certificate.pdf_sha256,
            ]
        certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(data), save=False)
        certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
        certificate.emailed_at = None
        certificate.save(
            update_fields=["language", "pdf", "pdf_sha256", "earlier_pdf_sha256", "emailed_at"]
        )
        _audit(
            AuditEntry.Action.REDRAWN,
            certificate=certificate,
            by=by,
            reason=f"{previous} → {language}",
        )
        _email_later(certificate)
    return certificate


def expire_certificates(now: datetime | None = None) -> int:
    """Mark valid certificates past their expiry date as expired (the daily job); each one in its
    own transaction, so one that fails is logged and the rest still expire."""
    now = now or timezone.now()
    ids = list(
        Certificate.objects.filter(status=Status.VALID, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )

    def expire(pk: int) -> bool:
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update()
                .filter(pk=pk, status=Status.VALID, expires_at__lte=now)
                .select_related("holder", "programme")
                .first()
            )
            if certificate is None:
                return False
            certificate.status = Status.EXPIRED
            certificate.save(update_fields=["status"])
            _audit(AuditEntry.Action.EXPIRED, certificate=certificate)
            sync_authorisations(certificate.holder)
            return True

    return batches.run(ids, expire, job="expire certificates").done


def renew_due(now: datetime | None = None) -> list[Certificate]:
    """Renew holders whose certificate is inside its programme's renewal window and who meet the
    programme's requirements (as they stand today): the new cycle starts at the old expiry.

    Each holder on their own: a signing or mail server error is logged and the rest of the batch
    (and the day's reminders after it) still runs; a renewal whose PDF failed is completed by
    `complete_certificates`."""
    now = now or timezone.now()
    candidates = [
        certificate
        for certificate in Certificate.objects.filter(status=Status.VALID, expires_at__gt=now)
        .select_related("programme", "holder")
        .order_by("expires_at")
        if certificate.programme.is_active
        and _in_renewal_window(certificate, certificate.programme, now)
    ]

    def renew(certificate: Certificate) -> Certificate | None:
        try:
            result = issue_certificate(certificate.holder, certificate.programme)
        except RequirementsNotMet:
            return None
        return result.certificate if result.created else None

    return [
        renewed
        for _certificate, renewed in batches.each(candidates, renew, job="renew certificates")
        if renewed and renewed is not batches.FAILED
    ]


def due_reminders(now: datetime | None = None) -> list[tuple[int, int]]:
    """(certificate id, days) for every expiry reminder due now: 60, 30 and 7 days before."""
    now = now or timezone.now()
    due = []
    candidates = Certificate.objects.filter(
        status=Status.VALID,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=max(REMINDER_DAYS)),
    ).only("pk", "expires_at", "reminders_sent")
    for certificate in candidates:
        left = certificate.expires_at - now
        threshold = min(d for d in REMINDER_DAYS if left <= timedelta(days=d))
        if threshold not in certificate.reminders_sent:
            due.append((certificate.pk, threshold))
    return due


def send_expiry_reminder(certificate_id: int, days: int) -> bool:
    """One reminder e-mail; recorded so the daily job sends each threshold once, and a larger
    threshold missed (e.g. the job was down) is not sent after a smaller one."""
    serial = Certificate.objects.filter(pk=certificate_id).values_list("serial", flat=True).first()
    if serial is None:
        return False

    def compose() -> EmailMessage | None:
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("holder", "programme")
            .filter(pk=certificate_id, status=Status.VALID)
            .first()
        )
        if certificate is None or days in certificate.reminders_sent:
            return None
        context = {
            "certificate": certificate,
            "days": days,
            "programme_url": absolute_url(
                reverse("programme_detail", args=[certificate.programme.slug])
            ),
        }
        language = certificate.language
        subject = render_text(
            "certification/certificates/email/reminder_subject.txt", context, language
        ).strip()
        body = render_text(
            "certification/certificates/email/reminder_message.txt", context, language
        )
        return EmailMessage(subject, body, to=[certificate.holder.email])

    def mark_sent() -> None:
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        certificate.reminders_sent = sorted(
            set(certificate.reminders_sent) | {d for d in REMINDER_DAYS if d >= days}
        )
        certificate.save(update_fields=["reminders_sent"])
        _audit(AuditEntry.Action.REMINDED, certificate=certificate, reason=f"{days}")

    return mail.send_once(
        f"certificate:{serial}:reminder:{days}",
        kind="certificate-reminder",
        compose=compose,
        mark_sent=mark_sent,
    )


# --- Bulk issue --------------------------------------------------------------------------------


@transaction.atomic
def start_bulk_issue(programme: Programme, holder_ids: list[int], *, by) -> BulkIssue:
    """Queue certificates for many people at once; the admin shows the batch's progress."""
    from .. import tasks

    bulk = BulkIssue.objects.create(
        programme=programme, requested_by=by, holder_ids=sorted(set(holder_ids))
    )
    outbox.enqueue(tasks.run_bulk_issue, bulk.pk)
    return bulk


def run_bulk_issue(bulk_id: int) -> BulkIssue:
    """Issue the batch one holder at a time, committing progress after each (idempotent)."""
    User = get_user_model()
    bulk = BulkIssue.objects.select_related("programme", "requested_by").get(pk=bulk_id)

    def issue(holder_id: int) -> bool:
        holder = User.objects.filter(pk=holder_id).first()
        if holder is None:
            raise IssuingError(f"no user {holder_id}")
        result = issue_certificate(
            holder,
            bulk.programme,
            origin=Origin.BULK,
            by=bulk.requested_by,
            reason=_("Bulk issue #%(id)d") % {"id": bulk.pk},
        )
        return result.created

    # A rerun (worker lost) resumes where the batch stopped; one holder's failure (a refused
    # issue, a signing error) is counted and logged, and the batch goes on.
    pending = bulk.holder_ids[bulk.done :]
    outcomes = batches.each(pending, issue, job=f"bulk issue #{bulk.pk}", expected=(IssuingError,))
    for index, (_holder_id, outcome) in enumerate(outcomes, start=bulk.done):
        failed = outcome is batches.FAILED
        issued = not failed and bool(outcome)
        BulkIssue.objects.filter(pk=bulk.pk).update(
            done=index + 1,
            issued=bulk.issued + issued,
            failed=bulk.failed + failed,
        )
        bulk.done, bulk.issued, bulk.failed = index + 1, bulk.issued + issued, bulk.failed + failed
    bulk.finished_at = timezone.now()
    bulk.save(update_fields=["finished_at"])
    return bulk
