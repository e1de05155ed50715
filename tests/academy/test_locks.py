"""Bounded lock waits (academy/locks.py): a service that cannot get its row lock in time answers
409 "busy, please try again" and writes nothing; on PostgreSQL the wait is SET LOCAL lock_timeout."""

import os
import threading
import time

import pytest
from django.db import OperationalError, connections, transaction

from events import services
from events.models import EventPage, Registration
from tests.events.factories import make_event, make_index
from tests.factories import UserFactory


@pytest.fixture
def event(home_page):
    return make_event(make_index(home_page))


def test_a_lock_wait_that_gave_up_is_a_409_busy_page(client, event, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "register", locked)
    client.force_login(UserFactory())
    response = client.post(f"/en/events/{event.slug}/register/")
    assert response.status_code == 409
    assert response["Retry-After"] == "3"
    page = response.content.decode()
    assert "<h1" in page and "Busy, please try again" in page and "Nothing was changed" in page
    response = client.post(
        f"/en/events/{event.slug}/register/", headers={"accept": "application/json"}
    )
    assert response.status_code == 409 and response.json()["error"] == "busy"


def test_other_database_errors_are_not_dressed_up_as_busy(client, event, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "register", broken)
    client.raise_request_exception = False
    client.force_login(UserFactory())
    assert client.post(f"/en/events/{event.slug}/register/").status_code == 500


# Serialized rollback like every other transactional test here: the flush after a plain one
# re-creates content types that the next serialized test then inserts again.
@pytest.mark.services
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="lock_timeout is PostgreSQL's (make test-services)",
)
def test_sign_ups_behind_a_held_event_lock_get_409_after_lock_timeout_then_succeed(
    transactional_db, django_db_serialized_rollback, home_page, client, settings
):
    settings.DATABASE_LOCK_TIMEOUT = "500ms"
    event = make_event(make_index(home_page))
    holding, release = threading.Event(), threading.Event()

    def hold_the_event_lock():
        # A third party (a slow cancellation, say) holds the event row past lock_timeout.
        try:
            with transaction.atomic():
                EventPage.objects.select_for_update().get(pk=event.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_event_lock)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        first, second = UserFactory(), UserFactory()
        for person in (first, second):
            client.force_login(person)
            started = time.monotonic()
            response = client.post(f"/en/events/{event.slug}/register/")
            waited = time.monotonic() - started
            assert response.status_code == 409, response.content[:300]
            assert 0.4 < waited < 2, waited
        assert not Registration.objects.filter(event=event).exists()
    finally:
        release.set()
        holder.join(timeout=30)
    for person in (first, second):
        client.force_login(person)
        assert client.post(f"/en/events/{event.slug}/register/").status_code == 302
    assert Registration.objects.filter(event=event, status="confirmed").count() == 2
