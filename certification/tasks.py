"""Celery tasks of the certification app: thin wrappers around services, each safe to run twice.

The periodic ones are on beat's schedule in settings (CELERY_BEAT_SCHEDULE), all in one place.
"""

from celery import shared_task
from django.contrib.auth import get_user_model

from academy import outbox
from academy.mail import MailTask

from .services import exams as exam_services

# --- Certificates ------------------------------------------------------------------------------


@shared_task(base=MailTask)
def check_programmes(holder_id: int) -> list[str]:
    """Issue every programme `holder_id` now meets; returns the new serials. Queued by
    issuing.check_programmes_later (a graded pass, an approval, the other apps' facts)."""
    from .services import issuing

    holder = get_user_model().objects.filter(pk=holder_id).first()
    if holder is None:
        return []
    return [certificate.serial for certificate in issuing.check_programmes(holder)]


@shared_task(base=MailTask)
def issue_certificate(holder_id: int, programme_id: int) -> str | None:
    """Issue one programme's certificate if every requirement holds (idempotent); queued by the
    daily sweep (programmes.sweep_programmes) for each candidate it found."""
    from .models import Programme
    from .services import issuing

    holder = get_user_model().objects.get(pk=holder_id)
    programme = Programme.objects.get(pk=programme_id)
    try:
        result = issuing.issue_certificate(holder, programme)
    except issuing.RequirementsNotMet:
        return None
    return result.certificate.serial if result.certificate else None


@shared_task(base=MailTask)
def publish_certificate(certificate_id: int) -> None:
    """Draw, sign, store and e-mail a certificate's PDF if not done yet; queued by the hourly
    completion sweep (issuing.complete_certificates)."""
    from .models import Certificate
    from .services import issuing

    issuing.publish(Certificate.objects.get(pk=certificate_id))


@shared_task(base=MailTask)
def email_certificate(certificate_id: int) -> bool:
    """E-mail a certificate's signed PDF to its holder, once per drawing of the PDF."""
    from .models import Certificate
    from .services import issuing

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    return certificate is not None and issuing.send_certificate_email(certificate)


@shared_task
def run_bulk_issue(bulk_id: int) -> int:
    from .services import issuing

    return issuing.run_bulk_issue(bulk_id).issued


@shared_task(base=MailTask)
def send_expiry_reminder(certificate_id: int, days: int) -> bool:
    from .services import issuing

    return issuing.send_expiry_reminder(certificate_id, days)


@shared_task
def daily_certificate_lifecycle() -> dict:
    """Expire what is past its date, renew who qualifies inside the renewal window, then queue
    the 60/30/7-day reminders still due."""
    from .services import issuing

    expired = issuing.expire_certificates()
    renewed = issuing.renew_due()
    due = issuing.due_reminders()
    for certificate_id, days in due:
        outbox.enqueue(send_expiry_reminder, certificate_id, days)
    return {"expired": expired, "renewed": len(renewed), "reminders": len(due)}


@shared_task
def sweep_programmes() -> int:
    """Issue what is due that no re-check brought (the daily sweep); returns issues queued."""
    from .services import programmes

    return programmes.sweep_programmes()


@shared_task
def complete_certificates() -> int:
    """Finish certificates left without their signed PDF or e-mail; returns how many queued."""
    from .services import issuing

    return issuing.complete_certificates()


@shared_task
def issue_course_certificate(holder_id: int, course_id: int) -> str | None:
    """Issue (and draw) one course certificate if it is due; idempotent. Returns its serial."""
    from courses.models import CoursePage

    from .services import course_certificates

    holder = get_user_model().objects.filter(pk=holder_id).first()
    course = CoursePage.objects.filter(pk=course_id).first()
    if holder is None or course is None:
        return None
    certificate = course_certificates.issue_course_certificate(holder, course)
    return certificate.serial if certificate else None


@shared_task
def issue_due_course_certificates(holder_id: int) -> list[str]:
    """Issue the course certificates a holder earned but has not received (e.g. no name yet)."""
    from .services import course_certificates

    holder = get_user_model().objects.filter(pk=holder_id).first()
    if holder is None:
        return []
    return [c.serial for c in course_certificates.issue_due_course_certificates(holder)]


# --- Exams -------------------------------------------------------------------------------------


@shared_task
def close_abandoned_attempts() -> int:
    """Submit attempts whose deadline passed while nobody was on the page; returns how many."""
    return exam_services.close_overdue_attempts()
