"""The reminder job on a real Celery worker (Redis broker, PostgreSQL): run twice, sent once.

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise.
"""

import time
from datetime import timedelta

from django.utils import timezone

from events import services, tasks
from events.models import Notification, Registration
from tests.conftest import needs_celery_worker
from tests.events.factories import make_event, make_index
from tests.factories import UserFactory, make_home_page

pytestmark = needs_celery_worker


def test_reminder_job_run_twice_on_a_real_worker_sends_once(celery_worker_process):
    event = make_event(
        make_index(make_home_page()), start=timezone.now() + timedelta(hours=20), capacity=5
    )
    registration = services.register(UserFactory(), event)[0]
    Registration.objects.filter(pk=registration.pk).update(
        confirmed_at=timezone.now() - timedelta(days=5)
    )

    first = tasks.send_due_reminders.delay()
    second = tasks.send_due_reminders.delay()
    assert first.get(timeout=60) == 1
    # The second run may see the reminder queued but not yet sent; either way it sends nothing.
    assert second.get(timeout=60) in (0, 1)
    deadline = time.monotonic() + 30
    reminders = Notification.objects.filter(
        registration=registration, kind=Notification.Kind.REMINDER
    )
    while not reminders.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # let any duplicate task finish
    assert reminders.count() == 1
    assert tasks.send_due_reminders.delay().get(timeout=60) == 0
