"""The reminder job on a real Celery worker (Redis broker, PostgreSQL): run twice, sent once.

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from academy import celery_app
from events import services, tasks
from events.models import Notification, Registration
from tests.events.factories import make_event, make_index
from tests.factories import UserFactory, make_home_page

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"),
        reason="needs CELERY_BROKER_URL (make test-services)",
    ),
]


@pytest.fixture
def worker(transactional_db, django_db_serialized_rollback):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the test database only on PostgreSQL")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "academy",
            "worker",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if celery_app.control.ping(timeout=1):
                break
            assert proc.poll() is None, proc.stdout.read()
        yield proc
    finally:
        celery_app.conf.task_always_eager = True
        proc.terminate()
        proc.wait(timeout=30)


def test_reminder_job_run_twice_on_a_real_worker_sends_once(worker):
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
