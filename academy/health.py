"""What /healthz reports: the database must answer; the cache and broker are reported, not required."""

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection


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


def check_health() -> dict:
    database = check_database()
    return {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        "cache": check_cache(),
        "tasks": "broker" if settings.TASKS_USE_BROKER else "in-process",
    }
