"""Celery tasks of the certification app: thin wrappers around services, each safe to run twice.

The periodic ones are put on Celery beat's schedule from here, so the settings need not know them.
"""

from celery import shared_task
from celery.schedules import crontab

from academy.celery import app

from .services import exams as exam_services

# --- Exams

app.conf.beat_schedule.update(
    {
        "certification-close-abandoned-attempts": {
            "task": "certification.tasks.close_abandoned_attempts",
            "schedule": crontab(minute="*"),
        },
    }
)


@shared_task
def close_abandoned_attempts() -> int:
    """Submit attempts whose deadline passed while nobody was on the page; returns how many."""
    return exam_services.close_overdue_attempts()
