"""Bounded lock waits (academy/locks.py): a service that cannot get its row lock in time answers
409 "busy, please try again" and writes nothing; on PostgreSQL the wait is SET LOCAL lock_timeout."""

import os
import threading
import time

import pytest
from django.db import OperationalError, connections, transaction
from django.test import Client

from academy.models import OutboxTask
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
    transactional_db, django_db_serialized_rollback, home_page, settings
):
    settings.DATABASE_LOCK_TIMEOUT = "500ms"
    event = make_event(make_index(home_page), capacity=1)
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

    people = [UserFactory(), UserFactory()]

    def sign_up_together() -> list[tuple[int, float, str]]:
        """Both people press "sign up" at the same moment, each in a request of their own."""
        start, results = threading.Barrier(len(people)), {}

        def sign_up(person):
            client = Client()
            client.force_login(person)
            start.wait(timeout=10)
            began = time.monotonic()
            try:
                response = client.post(f"/en/events/{event.slug}/register/")
                results[person.pk] = (
                    response.status_code,
                    time.monotonic() - began,
                    response.content.decode(),
                )
            finally:
                connections.close_all()

        threads = [threading.Thread(target=sign_up, args=(person,)) for person in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        return [results[person.pk] for person in people]

    holder = threading.Thread(target=hold_the_event_lock)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        for status, waited, page in sign_up_together():
            # A clear "busy, try again" after lock_timeout: not a 500, not a hang.
            assert status == 409, page[:300]
            assert "Busy, please try again" in page and "Nothing was changed" in page
            assert 0.4 < waited < 3, waited
        # Nothing half-written: no seat, no e-mail waiting to be sent.
        assert not Registration.objects.filter(event=event).exists()
        assert not OutboxTask.objects.exists()
    finally:
        release.set()
        holder.join(timeout=30)

    # Lock released: both succeed; the one seat goes to one of them, the other waits for it.
    assert [status for status, _, _ in sign_up_together()] == [302, 302]
    statuses = sorted(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == ["confirmed", "waitlisted"]
