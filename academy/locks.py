"""Bounded lock waits: a request that would queue behind a held row lock gives up after a few
seconds and the person sees "busy, please try again" (409) instead of a hung page.

Every service takes its row locks with select_for_update inside its transaction. Rather than each
of them remembering to bound the wait, a database execute wrapper (installed on every PostgreSQL
connection) sends `SET LOCAL lock_timeout` just before any FOR UPDATE / FOR NO KEY UPDATE query;
SET LOCAL lasts until that transaction ends, so nothing else (migrations, reports) is affected.
"""

import re

from django.conf import settings
from django.db import OperationalError
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .errors import wants_json

_TAKES_ROW_LOCK = re.compile(r"\bFOR (?:NO KEY )?UPDATE\b")
# PostgreSQL's lock_not_available: lock_timeout passed (or NOWAIT found the row locked).
LOCK_NOT_AVAILABLE = "55P03"


def _bound_lock_wait(execute, sql, params, many, context):
    connection = context["connection"]
    if connection.in_atomic_block and _TAKES_ROW_LOCK.search(sql):
        # The raw cursor, so this statement does not pass through the wrappers again.
        context["cursor"].cursor.execute(
            "SELECT set_config('lock_timeout', %s, true)", [settings.DATABASE_LOCK_TIMEOUT]
        )
    return execute(sql, params, many, context)


def install_lock_timeout(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql" and _bound_lock_wait not in connection.execute_wrappers:
        connection.execute_wrappers.append(_bound_lock_wait)


connection_created.connect(install_lock_timeout, dispatch_uid="academy_lock_timeout")


def is_lock_timeout(exc: BaseException) -> bool:
    """True for a lock wait that gave up: PostgreSQL's lock_timeout, SQLite's busy timeout."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return True
    return "database is locked" in str(exc)


class BusyMiddleware:
    """Turn a lock wait that timed out into 409 "busy, please try again"; nothing was written
    (the transaction rolled back), so trying again is safe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_lock_timeout(exception):
            return None
        message = _("Many people are doing this at the same moment. Please try again.")
        if wants_json(request):
            return JsonResponse({"error": "busy", "message": message}, status=409)
        response = TemplateResponse(request, "409.html", {"message": message}, status=409)
        response["Retry-After"] = "3"
        return response
