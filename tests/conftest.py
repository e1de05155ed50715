import os
import re
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest

from tests.factories import PASSWORD, MembershipFactory, UserFactory, make_home_page


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits (allauth's and academy/ratelimits.py) count in the default cache, which outlives
    a test: every test starts with none used, as a visitor's first request would."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's default language: a request or an override left active by
    an earlier test would otherwise decide what `reverse()` gives (an /en/ prefix)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def no_privacy_notice_yet():
    """Every test starts without a privacy notice (its database has none), as the running site
    knows from its per-process memo: pages then cost what they cost in production, no query for
    the notice. Saving a notice in a test clears the memo (academy/receivers.py)."""
    from academy import privacy

    privacy.remember_required_version(0)


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


def _start_worker(*options: str, env: dict | None = None) -> subprocess.Popen:
    """A real Celery worker in a subprocess, on the configured broker and the test database;
    returns once it answers a ping. `options` choose the pool (solo unless given)."""
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
        **(env or {}),
    }
    command = [sys.executable, "-m", "celery", "-A", "academy", "worker"]
    command += list(options or ("-P", "solo"))
    command += ["--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(timeout=1):
        assert proc.poll() is None, proc.stdout.read()
        assert time.monotonic() < deadline, "the Celery worker did not answer within 60 s"
    return proc


@pytest.fixture
def celery_workers(transactional_db, django_db_serialized_rollback):
    """Start real Celery workers (`start(*options, env=...)`); all are stopped after the test.

    The worker can only see what the test committed, hence the transactional database; the
    serialized rollback restores what migrations created after the flush. PostgreSQL only: an
    SQLite test database lives in this process's memory.
    """
    from academy import celery_app

    started: list[subprocess.Popen] = []

    def start(*options: str, env: dict | None = None) -> subprocess.Popen:
        celery_app.conf.task_always_eager = False
        started.append(_start_worker(*options, env=env))
        return started[-1]

    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = True
        for proc in started:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)


@pytest.fixture
def celery_worker_process(celery_workers):
    """One real Celery worker (solo pool) for the test."""
    return celery_workers()


@pytest.fixture
def worker_keys(monkeypatch, settings, tmp_path):
    """Signing keys the worker subprocess finds through its environment."""
    from django.core.management import call_command

    for name, file in (
        ("CERT_SIGNING_KEY", "signer.key.pem"),
        ("CERT_SIGNING_CERT", "signer.cert.pem"),
        ("CERT_SIGNING_CHAIN", "ca.cert.pem"),
    ):
        monkeypatch.setenv(name, str(tmp_path / file))
        setattr(settings, name, str(tmp_path / file))
    call_command("create_signing_keys", stdout=StringIO())


@pytest.fixture
def worker_mail(monkeypatch, tmp_path):
    """The worker's e-mail, written to files: returns {recipient: number of messages}."""
    folder = tmp_path / "mail"
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("TEST_EMAIL_FILE_PATH", str(folder))

    def received() -> dict[str, int]:
        counts: dict[str, int] = {}
        for file in Path(folder).glob("*.log") if folder.exists() else []:
            for address in re.findall(r"^To: (.+)$", file.read_text(), flags=re.MULTILINE):
                counts[address.strip()] = counts.get(address.strip(), 0) + 1
        return counts

    return received


def wait_for(condition, what: str, seconds: float = 90):
    """Poll `condition` until it holds (a worker's work shows in the database or the mail)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"the worker did not {what} within {seconds} s"
        time.sleep(0.3)


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
