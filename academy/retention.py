"""How long each kind of data is kept, and the daily job that removes what is due (docs/privacy.md).

`settings.ACADEMY_RETENTION` says, per kind of data, how many days it is kept (None: kept; see
the table in settings). Each app registers the rules for its own data here, in its AppConfig.ready:

    retention.register(
        "event_notifications", setting_key="event_notifications",
        description="…", apply=delete_due_notifications,
    )

A rule's `apply(cutoff, dry_run=...)` removes (or anonymises) what is older than `cutoff` and
returns how many rows it touched, or would touch when `dry_run`: it must touch nothing then.
`apply_all` runs every rule whose setting is a number of days and writes a RetentionRun row (with
a Wagtail audit-log entry, so officers read it in Reports → Site history) and a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    name: str
    setting_key: str
    description: str
    apply: Callable[..., int]

    def days(self) -> int | None:
        value = settings.ACADEMY_RETENTION.get(self.setting_key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


_rules: dict[str, Rule] = {}


def register(name: str, *, setting_key: str, description: str, apply: Callable[..., int]) -> Rule:
    """Register (or replace: reloading an app is harmless) the rule called `name`."""
    rule = Rule(name=name, setting_key=setting_key, description=description, apply=apply)
    _rules[name] = rule
    return rule


def rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda r: r.name)


@dataclass
class Outcome:
    rule: Rule
    days: int | None
    count: int


def apply_all(*, dry_run: bool = False, now: datetime | None = None) -> list[Outcome]:
    """Apply every rule that has a retention period; record and log what went."""
    from .models import RetentionRun

    now = now or timezone.now()
    outcomes = []
    for rule in rules():
        days = rule.days()
        if days is None:
            outcomes.append(Outcome(rule, None, 0))
            continue
        # One transaction per rule: a rule that fails leaves the others' work done.
        with transaction.atomic():
            count = rule.apply(now - timedelta(days=days), dry_run=dry_run)
        outcomes.append(Outcome(rule, days, count))
    counts = {o.rule.name: o.count for o in outcomes if o.days is not None}
    logger.info("retention%s: %s", " (dry run)" if dry_run else "", counts)
    if not dry_run:
        from wagtail.log_actions import log

        run = RetentionRun.objects.create(ran_at=now, counts=counts, total=sum(counts.values()))
        log(run, "academy.retention_applied", data={"counts": counts})
    return outcomes


# --- The academy's own rules --------------------------------------------------------------------


def _delete(queryset, dry_run: bool) -> int:
    if dry_run:
        return queryset.count()
    # Rows this table holds, not what cascades along with them.
    model = queryset.model
    return queryset.delete()[1].get(model._meta.label, 0)


def delete_expired_sessions(cutoff: datetime, *, dry_run: bool) -> int:
    """Database sessions that expired before `cutoff` (other session engines expire on their own)."""
    engine = settings.SESSION_ENGINE
    if "django.contrib.sessions" not in settings.INSTALLED_APPS or not engine.endswith(
        (".db", ".cached_db")
    ):
        return 0
    from django.contrib.sessions.models import Session

    return _delete(Session.objects.filter(expire_date__lt=cutoff), dry_run)


def delete_old_mail_records(cutoff: datetime, *, dry_run: bool) -> int:
    """E-mails sent (or given up on) before `cutoff`: their keys, recipients and subjects.

    The domain's own records (welcomed_at, emailed_at, events' Notification rows) still say that
    a mail went; a key still being sent is never touched."""
    from django.db.models import Q

    from .models import OutgoingMail

    Status = OutgoingMail.Status
    due = OutgoingMail.objects.filter(
        Q(status=Status.SENT, sent_at__lt=cutoff)
        # Retries end within hours (MailTask): by the cutoff nothing will send these again.
        | Q(status__in=[Status.FAILED, Status.DROPPED], created_at__lt=cutoff)
    )
    return _delete(due, dry_run)


def delete_delivered_outbox_rows(cutoff: datetime, *, dry_run: bool) -> int:
    """Outbox rows handed to the broker before `cutoff`; unsent rows stay until sent."""
    from .models import OutboxTask

    return _delete(OutboxTask.objects.filter(sent_at__lt=cutoff), dry_run)


def delete_closure_leftovers(cutoff: datetime, *, dry_run: bool) -> int:
    """Closure requests the person cancelled, and downloads of personal data that expired (their
    files went at expiry), before `cutoff`. A carried-out closure's record stays: it is the proof
    that the account was closed, and holds counts only."""
    from .models import ClosureRequest, DataExport

    cancelled = ClosureRequest.objects.filter(
        status=ClosureRequest.Status.CANCELLED, cancelled_at__lt=cutoff
    )
    expired = DataExport.objects.filter(expires_at__lt=cutoff)
    return _delete(cancelled, dry_run) + _delete(expired, dry_run)


def register_academy_rules() -> None:
    register(
        "closed_accounts",
        setting_key="closed_accounts",
        description="Cancelled closure requests and expired data downloads, days after.",
        apply=delete_closure_leftovers,
    )
    register(
        "sessions",
        setting_key="sessions",
        description="Sign-in sessions, days after they expired.",
        apply=delete_expired_sessions,
    )
    register(
        "outgoing_mail",
        setting_key="email_log",
        description="Records of e-mails sent (recipients, subjects), days after sending.",
        apply=delete_old_mail_records,
    )
    register(
        "outbox",
        setting_key="outbox",
        description="Follow-up work handed to the task queue, days after it was handed over.",
        apply=delete_delivered_outbox_rows,
    )
