import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.factories import PASSWORD, MembershipFactory, UserFactory, make_home_page


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits (allauth's and academy/ratelimits.py) count in the default cache, which outlives
    a test: every test starts with none used, as a visitor's first request would."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def home_page(db):
    return make_home_page()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def member(db):
    return MembershipFactory().user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def password():
    return PASSWORD


ROOT = Path(__file__).resolve().parents[1]

# Modules whose tests need the real broker and worker mark themselves with this.
needs_celery_worker = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"),
        reason="needs CELERY_BROKER_URL (make test-services)",
    ),
]


@pytest.fixture
def celery_worker_process(transactional_db, django_db_serialized_rollback):
    """A real Celery worker in a subprocess, on the configured broker and the test database.

    The worker can only see what the test committed, hence the transactional database; the
    serialized rollback restores what migrations created after the flush. PostgreSQL only: an
    SQLite test database lives in this process's memory.
    """
    from django.db import connection

    from academy import celery_app

    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the test database only on PostgreSQL")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    command = [sys.executable, "-m", "celery", "-A", "academy", "worker", "-P", "solo"]
    command += ["--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    celery_app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(timeout=1):
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "the Celery worker did not answer within 60 s"
        yield proc
    finally:
        celery_app.conf.task_always_eager = True
        proc.terminate()
        proc.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _use_broker(url: str, *, eager: bool) -> None:
    from academy import celery_app

    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    if os.environ.get("CELERY_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = url
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = eager
    # The app keeps its pools of broker connections and producers for the old URL: drop them
    # (kombu keeps them per URL, so coming back to a URL finds its pools again).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Point this process's Celery app at a port nothing listens on, as in a broker outage.

    Yields a function that brings the configured broker back (on `make test-services`)."""
    from academy import celery_app

    url, eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager  # env var first
    _use_broker(f"redis://127.0.0.1:{_free_port()}/0", eager=False)

    def restore():
        _use_broker(url, eager=celery_app.conf.task_always_eager)

    try:
        yield restore
    finally:
        _use_broker(url, eager=eager)
