"""The database connection dropped between requests (a PostgreSQL restart or failover, a proxy
that cut an idle connection): the next request notices before using it (CONN_HEALTH_CHECKS),
opens a new one and succeeds; nothing is lost.

Requests go through Django's own WSGI handler, as under gunicorn: the test client would skip the
request_started handling that arms the health check. Runs in `make test-services` (PostgreSQL)."""

import os

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory
from django.utils.crypto import get_random_string

from academy.models import OutboxTask
from events.models import Registration
from tests.events.factories import make_event, make_index
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="a server connection to drop needs PostgreSQL (make test-services)",
    ),
]


def post_as(user, path: str) -> int:
    """POST `path` signed in as `user` through the WSGI handler; returns the status code."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    token = get_random_string(32)
    request = RequestFactory().post(
        path,
        {"csrfmiddlewaretoken": token},
        HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={token}",
    )
    status = []
    response = WSGIHandler()(
        request.environ, lambda line, headers, exc_info=None: status.append(line)
    )
    try:
        b"".join(response)
    finally:
        response.close()  # request_finished, as the server sends it
    return int(status[0].split()[0])


def drop_connection(pid: int) -> None:
    """Terminate server process `pid` from another session and wait until it is gone."""
    other = connection.get_new_connection(connection.get_connection_params())
    other.autocommit = True
    try:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        for _ in range(100):
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            other.execute("SELECT pg_sleep(0.05)")
        raise AssertionError(f"backend {pid} still there")
    finally:
        other.close()


def test_a_connection_dropped_between_requests_is_replaced_and_the_next_request_succeeds(
    transactional_db, django_db_serialized_rollback, home_page
):
    event = make_event(make_index(home_page))
    first, second = UserFactory(), UserFactory()
    register = f"/events/{event.slug}/register/"

    assert post_as(first, register) == 302
    # The connection outlives the request (CONN_MAX_AGE), as in production.
    assert connection.connection is not None
    dropped = connection.connection.info.backend_pid
    drop_connection(dropped)

    assert post_as(second, register) == 302
    assert connection.connection.info.backend_pid != dropped
    # Both sign-ups and both confirmation e-mails (their outbox rows) are there.
    assert set(
        Registration.objects.filter(event=event, status="confirmed").values_list("user", flat=True)
    ) == {first.pk, second.pk}
    confirmations = OutboxTask.objects.filter(task="events.tasks.send_notification")
    assert sorted(args[0] for args in confirmations.values_list("args", flat=True)) == sorted(
        Registration.objects.filter(event=event).values_list("pk", flat=True)
    )
