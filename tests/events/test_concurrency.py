"""A sign-up rush on PostgreSQL: threads with their own connections race for the last seats.

Runs in `make test-services` (DATABASE_URL on PostgreSQL); skipped on SQLite, whose test database
lives in memory and cannot be shared between connections.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from events import services
from events.models import EventPage, Registration
from tests.events.factories import make_event, make_index
from tests.factories import make_home_page

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIGNUPS, SEATS, CANCELLATIONS = 200, 50, 20
# PostgreSQL allows 100 connections here and other clients use some: the threads start together
# but at most this many hold a connection at a time (each thread opens and closes its own).
MAX_CONNECTIONS = 40


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL (make test-services)")


@pytest.fixture
def no_mail(monkeypatch):
    """The e-mails each change enqueues are tested elsewhere; here they would only measure
    template rendering under the GIL."""
    monkeypatch.setattr(services.notifications, "notify", lambda *args, **kwargs: None)


def run_at_once(fn, items):
    """Call fn(item) for every item from its own thread and connection, all released together;
    returns the results in order and re-raises the first error."""
    start = threading.Barrier(len(items))
    gate = threading.Semaphore(MAX_CONNECTIONS)

    def run(item):
        start.wait()
        with gate:
            try:
                return fn(item)
            finally:
                connections.close_all()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(run, items))


def test_200_concurrent_sign_ups_for_50_seats_then_20_cancellations(postgres, no_mail):
    event = make_event(make_index(make_home_page()), capacity=SEATS)
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"rush{n}", email=f"rush{n}@example.com", display_name=f"学员{n}")
        for n in range(SIGNUPS)
    )

    ids = run_at_once(lambda user: services.register(user, EventPage(pk=event.pk))[0].pk, users)

    registrations = Registration.objects.filter(event=event)
    assert len(set(ids)) == SIGNUPS == registrations.count()
    assert registrations.filter(status="confirmed").count() == SEATS
    confirmed = list(registrations.filter(status="confirmed").order_by("pk"))
    waiting = list(registrations.filter(status="waitlisted").order_by("pk"))
    assert len(waiting) == SIGNUPS - SEATS
    # A consistent queue: whoever won the lock earlier has the lower id and the earlier time,
    # and every confirmed seat was taken before anyone was put on the waitlist.
    everyone = sorted(confirmed + waiting, key=lambda r: r.pk)
    assert [r.created_at for r in everyone] == sorted(r.created_at for r in everyone)
    assert confirmed[-1].pk < waiting[0].pk
    assert [services.waitlist_position(r) for r in waiting[:3]] == [1, 2, 3]

    leaving = confirmed[::2][:CANCELLATIONS]
    assert set(run_at_once(lambda r: services.cancel(r).status, leaving)) == {"cancelled"}

    assert registrations.filter(status="confirmed").count() == SEATS
    assert registrations.filter(status="cancelled").count() == CANCELLATIONS
    # The first 20 waiting got the 20 seats, in queue order.
    promoted = {r.pk for r in waiting[:CANCELLATIONS]}
    assert set(registrations.filter(pk__in=promoted).values_list("status", flat=True)) == {
        "confirmed"
    }
    assert registrations.filter(status="waitlisted").count() == SIGNUPS - SEATS - CANCELLATIONS
