"""Every e-mail the academy sends goes once, and no row lock is held while a mail server talks.

`send_once(key, kind=…, compose=…, mark_sent=…)` works in three steps:

1. Claim, in a short transaction: `compose()` takes whatever domain row lock it needs, decides
   whether the mail is still due (None when not) and renders it; the key's `OutgoingMail` row is
   then claimed (status "sending", claimed_at, attempts + 1). A key already sent is never sent
   again. A claim younger than `LEASE` belongs to another sender: `SendInProgress` tells the task
   to look again once the lease has passed (a duplicate task then finds it sent; a sender that
   died meanwhile hands it over).
2. Commit: the locks go, so a mail server that stalls holds up no sign-up, cancellation or issue.
3. Send, bounded by EMAIL_TIMEOUT, then mark the key sent and call `mark_sent()` in a second short
   transaction (the domain's own records: welcomed_at, Notification rows, emailed_at …). A refused
   or stalled send releases the claim (status "failed", the error kept) and re-raises, so the
   task's retry sends it, or marks it "dropped" when the mail is no longer due by then.

Delivery is at least once: a process that dies between the mail server's "OK" and step 3 leaves
a claim that is taken over after the lease, and that mail goes a second time. A crash anywhere
else, a refusal or a task run twice sends it once.

Call it outside any transaction (tasks do): inside one, the claim's locks would last until that
outer transaction ends, send included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import Task
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)
Status = OutgoingMail.Status

# Longer than a task may live (CELERY_TASK_TIME_LIMIT, 180 s, kills it): a claim older than this
# belongs to a sender that is gone.
LEASE = timedelta(minutes=5)


class SendInProgress(Exception):
    """Another sender holds the key's claim: try again after `retry_after` seconds."""

    def __init__(self, key: str, retry_after: float):
        super().__init__(f"{key} is being sent by another process")
        self.key = key
        self.retry_after = retry_after


@dataclass
class _Claim:
    key: str
    claimed_at: datetime


def send_once(
    key: str,
    *,
    kind: str,
    compose: Callable[[], EmailMessage | Sequence[EmailMessage] | None],
    mark_sent: Callable[[], object] | None = None,
) -> bool:
    """Send what `compose()` returns under `key`, once (see the module's three steps).

    `compose` runs inside the claim's transaction: lock, decide, render there, and return None
    when the mail is not (or no longer) due. It may return several messages (one connection);
    an empty list marks the key sent without sending. `mark_sent` runs in the transaction that
    marks the key sent. Returns False when nothing was due or the key went before.
    """
    with transaction.atomic():
        composed = compose()
        if composed is None:
            # A retry that finds the mail no longer due says so in the ledger.
            OutgoingMail.objects.filter(key=key, status=Status.FAILED).update(status=Status.DROPPED)
            return False
        messages = [composed] if isinstance(composed, EmailMessage) else list(composed)
        claim = _claim(key, kind, messages)
        if claim is None:
            return False
    try:
        if messages:
            # The SMTP backend's timeout is EMAIL_TIMEOUT: a stalled server fails the send
            # (socket timeout) instead of holding the worker.
            get_connection().send_messages(messages)
    except Exception as exc:
        _release(claim, exc)
        raise
    with transaction.atomic():
        OutgoingMail.objects.filter(key=key).update(
            status=Status.SENT, sent_at=timezone.now(), last_error=""
        )
        if mark_sent is not None:
            mark_sent()
    return True


def _claim(key: str, kind: str, messages: list[EmailMessage]) -> _Claim | None:
    now = timezone.now()
    row = OutgoingMail.objects.select_for_update().filter(key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                OutgoingMail.objects.create(
                    key=key,
                    kind=kind,
                    recipients=", ".join(a for m in messages for a in m.recipients())[:2000],
                    subject=messages[0].subject[:255] if messages else "",
                    status=Status.SENDING,
                    created_at=now,
                    claimed_at=now,
                    attempts=1,
                )
        except IntegrityError:
            # Another sender inserted the key a moment ago and holds its claim.
            raise SendInProgress(key, LEASE.total_seconds()) from None
        return _Claim(key, now)
    if row.status == Status.SENT:
        return None
    if row.status == Status.SENDING and row.claimed_at and row.claimed_at > now - LEASE:
        raise SendInProgress(key, (row.claimed_at + LEASE - now).total_seconds() + 1)
    if row.status == Status.SENDING:
        logger.warning(
            "mail: taking over %s, claimed at %s by a sender gone since", key, row.claimed_at
        )
    OutgoingMail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return _Claim(key, now)


def _release(claim: _Claim, exc: Exception) -> None:
    # Only our own claim: one that outlived its lease may have been taken over meanwhile.
    OutgoingMail.objects.filter(
        key=claim.key, status=Status.SENDING, claimed_at=claim.claimed_at
    ).update(status=Status.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000])
    logger.warning("mail: sending %s failed, released for the retry: %s", claim.key, exc)


def purge(days: int) -> int:
    """Forget keys sent more than `days` ago; the domain's own records (welcomed_at,
    Notification rows, emailed_at …) still say the mail went. Returns how many rows went."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = OutgoingMail.objects.filter(status=Status.SENT, sent_at__lt=cutoff).delete()
    return deleted


class MailTask(Task):
    """Base of every task that sends through `send_once`.

    A refused or stalled send (smtplib's errors and socket timeouts are OSErrors) is retried 12
    times, after up to 1, 2, 4 … 600 s (jittered): a mail server away for half an hour delays the
    mail, a longer outage leaves the key "failed" in the admin. A key another sender holds is
    looked at again once its lease has passed.
    """

    autoretry_for = (OSError,)
    retry_backoff = True
    retry_backoff_max = 600
    max_retries = 12

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except SendInProgress as busy:
            raise self.retry(exc=busy, countdown=busy.retry_after) from busy
