"""Course certificates: finishing a course awards one, when the course says so (on by default).

The path, in four hops: courses records the completion and sends `course_completed` inside its
transaction → certification/receivers.py records `tasks.issue_course_certificate` in the outbox
(it commits with the completion) → the task calls `issue_course_certificate` here → `publish`
draws the PDF in the holder's script (certification/pdf.py), signs it (signing.py) and stores it.

It shares the lecturer certificates' registry: serials (serials.py), the verification page and
the PDF upload check (verification.py), the printed look (CertificateSettings). It differs in what
it is: one per holder and course (a unique constraint), no expiry, no renewal. Like a lecturer
certificate it is public, so it is issued only to a holder who has given the name to print; one
who has not receives it when they give it (`issuing.set_certificate_name` queues
`issue_due_course_certificates`).

A programme requirement may ask for a course certificate (Requirement.Kind.COURSE_CERTIFICATE):
`requirement_progress` evaluates it and issuing one re-checks the holder's programmes.
"""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import outbox, page_cache
from academy.services import profile_language
from courses import services as courses_services
from courses.models import CoursePage

from .. import pdf, signing
from ..models import Certificate, CertificateSettings, CourseCertificate, Requirement
from ..serials import new_serial

logger = logging.getLogger(__name__)
Status = CourseCertificate.Status


def _unused_serial() -> str:
    """A serial no certificate of either kind has: the verification page looks up both."""
    while True:
        serial = new_serial()
        if not (
            Certificate.objects.filter(serial=serial).exists()
            or CourseCertificate.objects.filter(serial=serial).exists()
        ):
            return serial


def _printed_name(holder) -> str:
    """The holder's display name as issuing prints it; "" when they have not given one."""
    from .issuing import NameRequired, certificate_name

    try:
        return certificate_name(holder)
    except NameRequired:
        return ""


def issue_course_certificate(holder, course: CoursePage) -> CourseCertificate | None:
    """Issue `holder`'s certificate of `course` if they completed it and the course awards one;
    idempotent (the first one issued is returned). None when nothing is due: not completed, the
    course awards none, or the holder has not given a name yet."""
    with transaction.atomic():
        # The holder's row serialises issuing for one person (like lecturer certificates); the
        # unique constraint is what guarantees one certificate per holder and course.
        holder = get_user_model().objects.select_for_update().get(pk=holder.pk)
        certificate = CourseCertificate.objects.filter(holder=holder, course=course).first()
        if certificate is None:
            certificate = _create(holder, course)
    if certificate is not None and certificate.status == Status.VALID:
        certificate = publish(certificate)
    return certificate


def _create(holder, course: CoursePage) -> CourseCertificate | None:
    if not course.awards_certificate:
        return None
    completed_at = courses_services.course_completion(holder, course.pk)
    if completed_at is None:
        return None
    name = _printed_name(holder)
    if not name:
        return None
    try:
        with transaction.atomic():
            certificate = CourseCertificate.objects.create(
                holder=holder,
                course=course,
                serial=_unused_serial(),
                issued_at=timezone.now(),
                completed_at=completed_at,
                holder_name=name,
                course_title=course.title,
                language=profile_language(holder),
            )
    except IntegrityError:
        return CourseCertificate.objects.filter(holder=holder, course=course).first()
    # A programme may require this certificate: re-check the holder's programmes once it commits.
    from .. import tasks

    outbox.enqueue(tasks.check_programmes, holder.pk)
    return certificate


def issue_due_course_certificates(holder) -> list[CourseCertificate]:
    """Issue every course certificate `holder` has earned but not received (e.g. they had no
    name to print when they finished); returns the ones issued now."""
    completed = courses_services.course_completions(holder)
    held = set(
        CourseCertificate.objects.filter(holder_id=holder.pk).values_list("course_id", flat=True)
    )
    issued = []
    for course in CoursePage.objects.filter(
        pk__in=[pk for pk in completed if pk not in held], awards_certificate=True
    ):
        certificate = issue_course_certificate(holder, course)
        if certificate is not None:
            issued.append(certificate)
    return issued


# --- The PDF -------------------------------------------------------------------------------------


def content_for(
    certificate: CourseCertificate, look: CertificateSettings | None = None
) -> pdf.CourseCertificateContent:
    from .issuing import _image_bytes, verify_url

    look = look or CertificateSettings.load()
    return pdf.CourseCertificateContent(
        serial=certificate.serial,
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        completed_at=timezone.localtime(certificate.completed_at),
        issued_at=timezone.localtime(certificate.issued_at),
        issuer=look.issuer_name,
        verify_url=verify_url(certificate.serial),
        duration_minutes=certificate.course.duration_minutes,
        signatory_name=look.signatory_name,
        signatory_title=look.signatory_title,
        signature_image=_image_bytes(look.signature_image),
        seal_image=_image_bytes(look.seal_image),
        language=certificate.language,
    )


def signed_pdf(certificate: CourseCertificate) -> bytes:
    content = content_for(certificate)
    missing = pdf.missing_glyphs(content.holder_name + content.course_title)
    if missing:
        logger.warning(
            "Course certificate %s: the font has no glyph for %r; they print blank",
            certificate.serial,
            missing,
        )
    return signing.sign_pdf(
        pdf.render_course(content), reason=f"Course certificate {certificate.serial}"
    )


def publish(certificate: CourseCertificate) -> CourseCertificate:
    """Draw, sign and store the PDF once; safe to call again (a task run twice)."""
    with transaction.atomic():
        certificate = (
            CourseCertificate.objects.select_for_update()
            .select_related("course", "holder")
            .get(pk=certificate.pk)
        )
        if not certificate.pdf_sha256:
            data = signed_pdf(certificate)
            certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(data), save=False)
            certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
            certificate.save(update_fields=["pdf", "pdf_sha256"])
    return certificate


@transaction.atomic
def revoke_all(holder, *, reason: str) -> int:
    """Revoke every valid course certificate of `holder` (their account closes): the registry
    answers "revoked" for the serials at once. Returns how many."""
    revoked = CourseCertificate.objects.filter(holder_id=holder.pk, status=Status.VALID).update(
        status=Status.REVOKED, revoked_at=timezone.now(), revoked_reason=reason
    )
    page_cache.bump()  # the verify pages say "revoked" at once, not after a stored page expires
    return revoked


# --- Reading -------------------------------------------------------------------------------------


def find(serial: str) -> CourseCertificate | None:
    """The course certificate with this canonical serial (the verification pages)."""
    return (
        CourseCertificate.objects.select_related("course", "holder").filter(serial=serial).first()
    )


def certificates_of(holder) -> list[CourseCertificate]:
    """A holder's course certificates, newest first (My academy)."""
    return list(
        CourseCertificate.objects.filter(holder_id=holder.pk)
        .select_related("course")
        .order_by("-issued_at", "-pk")
    )


def certificates_of_holders(holder_ids) -> QuerySet[CourseCertificate]:
    """Valid course certificates of many people at once (the team dashboard)."""
    return (
        CourseCertificate.objects.filter(holder_id__in=list(holder_ids), status=Status.VALID)
        .select_related("course")
        .order_by("-issued_at", "-pk")
    )


# --- The programme requirement -------------------------------------------------------------------


def holder_ids(course_id: int) -> QuerySet:
    """Ids (`holder_id`) of everyone holding a valid certificate of the course, as a subquery."""
    return CourseCertificate.objects.filter(course_id=course_id, status=Status.VALID).values(
        "holder_id"
    )


def requirement_progress(user, req: Requirement, cache: dict):
    """Requirement.Kind.COURSE_CERTIFICATE: the holder has a valid certificate of the course."""
    from .programmes import RequirementProgress

    title = req.course.title if req.course else "?"
    label = _("Hold the course certificate of “%(title)s”") % {"title": title}
    certificate = (
        CourseCertificate.objects.filter(
            holder_id=user.pk, course_id=req.course_id, status=Status.VALID
        )
        .only("serial", "issued_at")
        .first()
    )
    if certificate is not None:
        evidence = _("Certificate %(serial)s issued on %(date)s") % {
            "serial": certificate.serial,
            "date": timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d"),
        }
        return RequirementProgress(req, True, 1, 1, label, [evidence])
    return RequirementProgress(
        req, False, 0, 1, label, missing=_("Complete the course to receive its certificate.")
    )
