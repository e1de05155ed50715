"""A real Celery worker on Redis runs a task, writes to the database and stores its result.

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from academy import celery_app
from academy.tasks import send_welcome_email
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"),
        reason="needs CELERY_BROKER_URL (make test-services)",
    ),
]


@pytest.fixture
def worker(transactional_db):
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
            "INFO",
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


def test_real_worker_runs_task_and_stores_result(worker):
    user = UserFactory()
    result = send_welcome_email.delay(user.pk, "en")
    assert result.get(timeout=60) is True
    assert result.successful()
    user.refresh_from_db()
    assert user.welcomed_at is not None
    # A second delivery of the same task is harmless: the worker sees it was already sent.
    assert send_welcome_email.delay(user.pk, "en").get(timeout=60) is False
