"""Celery tasks of the events app: thin wrappers around services, each safe to run twice.

The periodic ones are put on Celery beat's schedule from here, so the settings need not know them.
"""

from celery import shared_task
from celery.schedules import crontab

from academy import outbox
from academy.celery import app

from . import services
from .models import Notification

app.conf.beat_schedule.update(
    {
        "events-send-reminders": {
            "task": "events.tasks.send_due_reminders",
            "schedule": crontab(minute="*/15"),
        },
        "events-expire-offers": {
            "task": "events.tasks.expire_lapsed_offers",
            "schedule": crontab(minute="*/5"),
        },
    }
)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
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
