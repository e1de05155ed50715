"""Staff changes to an event: publishing it (freed seats, an announced new time or place), calling
it off, and running one workshop again in other cities."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.models import User

from ..models import (
    EventPage,
    Notification,
    Registration,
)
from . import notifications
from .errors import EventError
from .registration import expire_offers, fill_free_seats, lock_event

Status = Registration.Status


def schedule_key(schedule: dict) -> str:
    return hashlib.sha256(json.dumps(schedule, sort_keys=True).encode()).hexdigest()[:16]


@transaction.atomic
def event_published(event: EventPage) -> None:
    """React to staff publishing the event: added seats go to the waitlist, and a new time or
    place is announced to everyone registered."""
    event = lock_event(event.pk)
    now = timezone.now()
    expire_offers(event, now)
    fill_free_seats(event, now)
    schedule = event.schedule()
    if schedule == event.announced_schedule:
        return
    if event.announced_schedule and not event.is_cancelled and not event.has_ended(now):
        key = schedule_key(schedule)
        for registration in Registration.objects.filter(
            event_id=event.pk, status__in=Registration.ACTIVE
        ):
            notifications.notify(registration, Notification.Kind.CHANGED, key)
    EventPage.objects.filter(pk=event.pk).update(announced_schedule=schedule)


@transaction.atomic
def cancel_event(event: EventPage, *, by: User, reason: str = "") -> int:
    """Staff call the whole event off; everyone registered is told. Returns how many."""
    event = lock_event(event.pk)
    if event.is_cancelled:
        return 0
    now = timezone.now()
    if event.has_ended(now):
        raise EventError(_("This event is over; it can no longer be cancelled."))
    EventPage.objects.filter(pk=event.pk).update(
        cancelled_at=now, cancellation_reason=reason.strip()[:2000]
    )
    registrations = list(
        Registration.objects.filter(event_id=event.pk, status__in=Registration.ACTIVE)
    )
    for registration in registrations:
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.cancelled_by = Registration.CancelledBy.EVENT
        registration.attendance = ""
        notifications.notify(registration, Notification.Kind.EVENT_CANCELLED)
    Registration.objects.bulk_update(
        registrations, ["status", "cancelled_at", "cancelled_by", "attendance"]
    )
    return len(registrations)


@dataclass
class Run:
    """Another occurrence of an event: where and when (times aware, in any zone)."""

    city: str
    venue: str
    start: datetime
    end: datetime
    address: str = ""


def _unique_slug(parent, base: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def duplicate_event(
    event: EventPage, runs: list[Run], *, by: User, publish: bool = False
) -> list[EventPage]:
    """Copy `event` once per run, with its agenda, lecturers and questions but no registrations.

    Sign-up opening and closing move with the start. The city in the title follows the run's
    city. Copies are drafts unless `publish`.
    """
    parent = event.get_parent()
    copies = []
    for run in runs:
        shift = run.start - event.start
        title = event.title.replace(event.city, run.city) if event.city else event.title
        copy = event.copy(
            to=parent,
            update_attrs={
                "title": title,
                "draft_title": title,
                "slug": _unique_slug(parent, f"{event.slug}-{run.start:%Y%m%d}"),
                "city": run.city,
                "venue": run.venue,
                "address": run.address,
                "start": run.start,
                "end": run.end,
                "signup_opens": event.signup_opens + shift if event.signup_opens else None,
                "signup_closes": event.signup_closes + shift if event.signup_closes else None,
            },
            keep_live=False,
            copy_revisions=False,
            user=by,
            log_action="wagtail.copy",
        )
        copy = copy.specific
        revision = copy.save_revision(user=by, log_action=False)
        if publish:
            revision.publish(user=by)
        copies.append(copy)
    return copies
