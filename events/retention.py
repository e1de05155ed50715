"""Retention of the events app's own data (academy/retention.py; ACADEMY_RETENTION).

Notification rows are the "this e-mail went" keys that keep each registrant mail to one send.
Once an event has ended no further mail is due for it (the rating request goes on the day), so
its keys can go a while after the end without any mail going twice.
"""

from __future__ import annotations

from datetime import datetime

from academy import retention

from .models import Notification


def delete_notifications_of_past_events(cutoff: datetime, *, dry_run: bool) -> int:
    due = Notification.objects.filter(registration__event__end__lt=cutoff)
    if dry_run:
        return due.count()
    return Notification.objects.filter(pk__in=list(due.values_list("pk", flat=True))).delete()[0]


def register() -> None:
    retention.register(
        "event_notifications",
        setting_key="event_notifications",
        description="Registrants' e-mail keys of events that ended, days after the end.",
        apply=delete_notifications_of_past_events,
    )
