"""The e-mails about registrations: queued in the change's transaction, sent once by tasks.

E-mails are recorded in the change's transaction (academy.outbox) and sent by tasks through
academy.mail.send_once (no lock held while the mail server talks; each sent one is recorded as a
Notification), so a rolled-back change sends nothing, a broker outage delays the mail without
losing it, and a repeated task sends nothing twice. The messages themselves are built in
events/mail.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from academy import mail as academy_mail
from academy import outbox

from ..models import (
    Notification,
    Registration,
)

Status = Registration.Status


def notify(registration: Registration, kind: str, key: str = "") -> None:
    """Queue the e-mail `kind` about `registration` in the current transaction (the outbox):
    it goes once the change commits, and not at all if it rolls back."""
    from .. import tasks

    outbox.enqueue(tasks.send_notification, registration.pk, kind, key)


def send_notification(registration_id: int, kind: str, key: str = "") -> bool:
    """Send one e-mail about a registration, once; False when it went before or no longer fits
    (a reminder for a cancelled seat, an offer already taken …)."""
    from .. import mail

    def compose():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "user")
            .filter(pk=registration_id)
            .first()
        )
        if registration is None or not _still_relevant(registration, kind):
            return None
        if Notification.objects.filter(registration=registration, kind=kind, key=key).exists():
            return None
        return mail.build(registration, kind)

    return academy_mail.send_once(
        f"events:registration:{registration_id}:{kind}:{key}",
        kind=f"events:{kind}",
        compose=compose,
        mark_sent=lambda: Notification.objects.get_or_create(
            registration_id=registration_id, kind=kind, key=key
        ),
    )


def _still_relevant(registration: Registration, kind: str) -> bool:
    Kind = Notification.Kind
    event = registration.event
    expected = {
        Kind.CONFIRMED: {Status.CONFIRMED},
        Kind.PROMOTED: {Status.CONFIRMED},
        Kind.WAITLISTED: {Status.WAITLISTED},
        Kind.OFFERED: {Status.OFFERED},
        Kind.OFFER_LAPSED: {Status.EXPIRED},
        Kind.REMINDER: {Status.CONFIRMED},
        Kind.CHANGED: set(Registration.ACTIVE),
        Kind.EVENT_CANCELLED: {Status.CANCELLED},
        Kind.RATING: {Status.CONFIRMED},
    }.get(kind)
    if expected is None or registration.status not in expected:
        return False
    if kind == Kind.REMINDER:
        return not event.is_cancelled and not event.has_started()
    return True


REMINDER_LEAD = timedelta(hours=24)


def due_reminders(now: datetime | None = None) -> QuerySet[Registration]:
    """Confirmed seats at events starting within a day that have not had their reminder.

    People confirmed within that last day have just had their confirmation (or promotion) e-mail
    with every detail, so they get no reminder on top.
    """
    now = now or timezone.now()
    return Registration.objects.filter(
        status=Status.CONFIRMED,
        event__live=True,
        event__cancelled_at__isnull=True,
        event__start__gt=now,
        event__start__lte=now + REMINDER_LEAD,
        confirmed_at__lt=F("event__start") - REMINDER_LEAD,
    ).exclude(notifications__kind=Notification.Kind.REMINDER)
