"""What /healthz reports: the database must answer (else 503); the cache, the broker and the
outbox's backlog are reported, not required — with the broker down, users' actions still succeed
and their follow-up work waits in the outbox, so the site is degraded, not down."""

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from . import outbox
from .celery import app as celery_app


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def check_cache() -> str:
    try:
        cache.set("healthz", "1", 5)
        return "ok" if cache.get("healthz") == "1" else "error"
    except Exception:  # noqa: BLE001 — any cache failure is reported, never raised
        return "error"


def check_broker() -> str:
    """Open a connection to the broker, giving up after the broker timeout (about 1 s)."""
    if not celery_app.conf.broker_url or celery_app.conf.broker_url.startswith("memory://"):
        return "in-process"
    try:
        with celery_app.connection_for_write(
            connect_timeout=settings.CELERY_BROKER_TIMEOUT
        ) as conn:
            conn.ensure_connection(max_retries=0, timeout=settings.CELERY_BROKER_TIMEOUT)
    except Exception:  # noqa: BLE001 — any broker failure is reported, never raised
        return "error"
    return "ok"


def check_outbox() -> dict | None:
    try:
        unsent, oldest = outbox.backlog()
    except DatabaseError:
        return None
    return {"unsent": unsent, "oldest_seconds": round(oldest) if oldest is not None else None}


def check_health() -> dict:
    database = check_database()
    broker = check_broker()
    backlog = check_outbox() if database == "ok" else None
    if broker == "in-process":
        tasks = "in-process"
    elif broker != "ok" or (
        backlog
        and backlog["oldest_seconds"] is not None
        and backlog["oldest_seconds"] > settings.HEALTH_OUTBOX_MAX_AGE
    ):
        # Follow-up work (mail, certificates) is delayed: the broker is down, or the relay is not
        # running (nothing else leaves rows unsent that long).
        tasks = "degraded"
    else:
        tasks = "ok"
    return {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        "cache": check_cache(),
        "broker": broker,
        "tasks": tasks,
        "outbox": backlog,
    }
