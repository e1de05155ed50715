"""Durable follow-up work: the transactional outbox, the project's one way to enqueue a task.

A state change that needs a Celery task later (an e-mail, issuing a certificate) calls
`enqueue(task, *args)` inside its own transaction. The task is written as an `OutboxTask` row, so
it commits or rolls back together with the change. After the commit the row is published to the
broker with a short timeout and no retries, and marked sent; if the broker does not answer, the
failure is logged and the user's request goes on. The relay (`relay()`: a beat job every 30 s and
`manage.py relay_outbox`) sends whatever is still unsent once the broker answers again.

Publishing is at least once: a process that dies between handing a row to the broker and marking
it sent leaves it for the relay, which sends it again under the same task id (`outbox-<pk>`).
Every task is therefore idempotent (a status check or a unique constraint).

Without a broker (the demo, the SQLite tests) the task runs in-process after commit; an error
there is logged and the row stays unsent for a later relay, instead of turning the user's
already-committed action into a 500.

Why not a library: django-celery-outbox needs structlog, sentry-sdk, datadog, its own relay process
and SKIP LOCKED (not SQLite, the embedded default); django-jaiminho pickles functions with dill,
which is fragile across deploys and unsafe, and needs sentry-sdk.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from celery import Task
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from .celery import app as celery_app
from .models import OutboxTask

logger = logging.getLogger(__name__)

# A publisher owns a row this long; one that dies meanwhile hands it to the relay afterwards.
CLAIM = timedelta(minutes=2)
# The relay leaves a new row to its own on-commit publish this long, so the two rarely race
# (and when they do, the claim lets only one of them send).
FIRST_RELAY_AFTER = timedelta(seconds=60)
# An after-commit publish that starts later than this before the relay's turn claims its row.
CLAIM_MARGIN = timedelta(seconds=30)
# Retries of one row wait 30 s, 60 s, 120 s … but never more than this.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=5)
# Errors of a publish that mean "the broker is not answering" rather than "this task is broken".
BROKER_ERRORS = (BrokerUnavailable, OSError, TimeoutError)


class BrokerDown(Exception):
    pass


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # already sent, or another process holds the claim
    FAILED = "failed"  # this task failed (unknown name, an error running it in-process)
    BROKER_DOWN = "broker down"


@dataclass
class RelayResult:
    sent: int = 0
    failed: int = 0
    broker_down: bool = False


def enqueue(task: Task | str, *args, **kwargs) -> OutboxTask:
    """Record `task(*args, **kwargs)` in the current transaction; send it once that commits.

    Arguments must be JSON (ids, strings). Outside a transaction the row gets one of its own.
    """
    name = task if isinstance(task, str) else task.name
    now = timezone.now()
    # savepoint=False: if the row cannot be written, the caller's change must not commit either.
    with transaction.atomic(savepoint=False):
        row = OutboxTask.objects.create(
            task=name,
            args=list(args),
            kwargs=kwargs,
            created_at=now,
            available_at=now + FIRST_RELAY_AFTER,
        )
        # robust: whatever happens while publishing, the committed request is not turned into
        # an error; the row stays for the relay.
        transaction.on_commit(partial(publish, row.pk, row), robust=True)
    return row


def publish(pk: int, row: OutboxTask | None = None) -> Outcome:
    """Claim one row, send it, mark it sent. No row lock is held while the broker is contacted:
    the claim is a conditional UPDATE committed before the send.

    `row` is the row as its writer created it (enqueue's after-commit send), which saves reading
    it back; its task and arguments never change after creation. Such a fresh row needs no claim
    either: the relay leaves it alone until its `available_at` (FIRST_RELAY_AFTER), so within
    that time this process is its only sender, and the sign-up rush saves one committed UPDATE
    per sign-up. A send that somehow outlasts it may be repeated by the relay, which
    at-least-once publishing allows (the same task id; every task is idempotent).
    """
    now = timezone.now()
    fresh = row is not None and row.sent_at is None and now < row.available_at - CLAIM_MARGIN
    if not fresh:
        claimed = (
            OutboxTask.objects.filter(pk=pk, sent_at__isnull=True)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .update(claimed_until=now + CLAIM)
        )
        if not claimed:
            return Outcome.SKIPPED
    if row is None:
        row = OutboxTask.objects.get(pk=pk)
    try:
        _send(row)
    except BrokerDown as exc:
        _record_failure(row, exc.__cause__ or exc)
        logger.warning("outbox: broker unavailable, %s left for the relay: %s", row, exc)
        return Outcome.BROKER_DOWN
    except Exception as exc:  # noqa: BLE001 — one broken task must not break the caller or the batch
        _record_failure(row, exc)
        logger.exception("outbox: %s failed, left for the relay", row)
        return Outcome.FAILED
    OutboxTask.objects.filter(pk=pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), claimed_until=None, attempts=F("attempts") + 1
    )
    return Outcome.SENT


def _send(row: OutboxTask) -> None:
    task = celery_app.tasks[row.task]
    if not celery_app.conf.task_always_eager:
        # retry=False: kombu's own retries would hold the caller for ~20 s with the broker down;
        # the relay is the retry. Connection and socket timeouts come from the settings.
        # ignore_result: nobody waits for it, and subscribing to the result would make the Redis
        # result backend retry its own connection for another ~20 s.
        try:
            task.apply_async(
                args=row.args,
                kwargs=row.kwargs,
                task_id=row.celery_task_id,
                retry=False,
                ignore_result=True,
            )
        except BROKER_ERRORS as exc:
            raise BrokerDown(str(exc)) from exc
        return
    if connection.in_atomic_block:
        # Run inside a caller's transaction (a test, a nested enqueue): a savepoint keeps a
        # failing task from breaking that transaction.
        with transaction.atomic():
            task.apply(args=row.args, kwargs=row.kwargs, task_id=row.celery_task_id, throw=True)
    else:
        task.apply(args=row.args, kwargs=row.kwargs, task_id=row.celery_task_id, throw=True)


def _record_failure(row: OutboxTask, exc: Exception) -> None:
    attempts = row.attempts + 1
    delay = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)
    OutboxTask.objects.filter(pk=row.pk).update(
        attempts=attempts,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        claimed_until=None,
        available_at=timezone.now() + delay,
    )


def due(now=None) -> QuerySet[OutboxTask]:
    """Unsent rows whose time has come and that nobody is sending, oldest first."""
    now = now or timezone.now()
    return (
        OutboxTask.objects.filter(sent_at__isnull=True, available_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("available_at", "pk")
    )


def relay(limit: int = 500) -> RelayResult:
    """Send what is due, up to `limit` rows; stop at the first sign the broker is down (every
    further row would only wait out its own timeout)."""
    result = RelayResult()
    for pk in list(due().values_list("pk", flat=True)[:limit]):
        outcome = publish(pk)
        if outcome is Outcome.SENT:
            result.sent += 1
        elif outcome is Outcome.FAILED:
            result.failed += 1
        elif outcome is Outcome.BROKER_DOWN:
            result.failed += 1
            result.broker_down = True
            break
    return result


def purge(days: int = 14) -> int:
    """Delete rows sent more than `days` ago; returns how many went."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = OutboxTask.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


def backlog(now=None) -> tuple[int, float | None]:
    """How many rows are unsent, and the age in seconds of the oldest (None when none)."""
    now = now or timezone.now()
    unsent = OutboxTask.objects.filter(sent_at__isnull=True)
    oldest = unsent.order_by("created_at").values_list("created_at", flat=True).first()
    return unsent.count(), (now - oldest).total_seconds() if oldest else None


def release_waiting() -> int:
    """Make every unsent, unclaimed row due now (ops, once the broker is back)."""
    now = timezone.now()
    return (
        OutboxTask.objects.filter(sent_at__isnull=True, available_at__gt=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(available_at=now)
    )
