"""Celery tasks of the events app: thin wrappers around services, each safe to run twice.

The periodic ones are on beat's schedule in settings (CELERY_BEAT_SCHEDULE), all in one place.
"""

from celery import shared_task

from academy import outbox
from academy.mail import MailTask

from . import services
from .models import Notification


@shared_task(base=MailTask)
def send_notification(registration_id: int, kind: str, key: str = "") -> bool:
    """One e-mail about a registration; recorded, so a second run sends nothing."""
    return services.send_notification(registration_id, kind, key)


@shared_task
def send_due_reminders() -> int:
    """Queue the day-before reminders that are due; returns how many were queued."""
    ids = list(services.due_reminders().values_list("pk", flat=True))
    for registration_id in ids:
        outbox.enqueue(send_notification, registration_id, Notification.Kind.REMINDER)
    return len(ids)


@shared_task
def expire_lapsed_offers() -> int:
    """Pass seats whose claim window ended to the next person waiting."""
    return services.expire_lapsed_offers()
