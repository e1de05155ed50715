"""Rate limits count once for the whole site, not once per gunicorn worker: two workers with
production settings, on the test database, share the count — in the database cache when REDIS_URL
is unset, in Redis when it is set (make test-services).

Before the shared cache, 10 of 14 failed logins were accepted across 2 workers (issue 12)."""

import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.academy.test_production_cache import free_port, production_env

ROOT = Path(__file__).resolve().parents[2]
LOOKUP_LIMIT = 5
FAILED_LOGIN_LIMIT = 10  # allauth's default: 10 failed logins a minute per address


def database_url(tmp_path: Path) -> str:
    """The test database, as a URL another process can open."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # pytest-django keeps an SQLite test database in memory: copy it (migrated, with the cache
        # table) to a file the workers open.
        path = tmp_path / "academy.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    # Production serves hashed static file names from a manifest: pages need collectstatic.
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
        timeout=300,
        env=production_env(STATIC_ROOT=str(root)),
    )
    return root


CACHES = [
    pytest.param("database", id="database-cache"),
    pytest.param(
        "redis",
        id="redis",
        marks=[
            pytest.mark.services,
            pytest.mark.skipif(
                not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (make test-services)"
            ),
        ],
    ),
]


@pytest.fixture(params=CACHES)
def two_workers(request, django_db_blocker, django_db_setup, static_root, tmp_path):
    """gunicorn academy.wsgi --workers 2 with production settings; yields its base URL and a
    function returning the ids of the worker processes that answered."""
    with django_db_blocker.unblock():
        url = database_url(tmp_path)
    env = production_env(
        DATABASE_URL=url,
        STATIC_ROOT=str(static_root),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        # The workers see the test client's address in X-Forwarded-For, as behind a proxy.
        TRUSTED_PROXY_COUNT="1",
        VERIFY_LOOKUP_RATE_LIMIT=f"{LOOKUP_LIMIT}/m/ip",
    )
    env.pop("CELERY_BROKER_URL", None)
    if request.param == "redis":
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    port = free_port()
    access_log = tmp_path / "access.log"
    # --preload loads the application before forking, so both workers answer from the start.
    command = [sys.executable, "-m", "gunicorn", "academy.wsgi", "--workers", "2", "--preload"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", str(access_log)]
    command += ["--access-logformat", "%(p)s %(m)s %(U)s %(s)s"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.stdout.read()
            assert time.monotonic() < deadline, "gunicorn did not answer within 90 s"
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)

        def workers_that_answered(path_prefix: str) -> set[str]:
            lines = access_log.read_text().splitlines()
            return {line.split()[0] for line in lines if path_prefix in line}

        yield base, workers_that_answered
    finally:
        server.terminate()
        server.wait(timeout=30)


def a_visitor_address() -> str:
    # Counts live in a shared cache that outlives one run: each run is a new visitor.
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def request(url: str, *, data: dict | None = None, headers: dict) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=body, headers=headers), timeout=60
        ) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def in_pairs(calls: list) -> list:
    # Two at a time, so that both workers are busy and each takes its share.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_serial_lookups_are_counted_once_for_both_workers(two_workers):
    base, workers_that_answered = two_workers
    headers = {"X-Forwarded-For": a_visitor_address()}
    url = base + "/verify/8BZP-FG4M-CZFH.json"

    statuses = [status for status, _ in in_pairs([lambda: request(url, headers=headers)] * 9)]

    assert sorted(statuses) == [404] * LOOKUP_LIMIT + [429] * 4
    assert len(workers_that_answered("/verify/")) == 2


def test_failed_logins_are_counted_once_for_both_workers(two_workers):
    base, workers_that_answered = two_workers
    visitor = a_visitor_address()
    login = base + "/en/accounts/login/"
    with urllib.request.urlopen(
        urllib.request.Request(login, headers={"X-Forwarded-For": visitor}), timeout=60
    ) as response:
        cookie = SimpleCookie(response.headers["Set-Cookie"])["csrftoken"].value
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    headers = {"X-Forwarded-For": visitor, "Cookie": f"csrftoken={cookie}", "Referer": login}

    def failed_login(number: int):
        # A different e-mail each time: only the per-visitor limit applies, not the one per e-mail.
        form = {
            "csrfmiddlewaretoken": token,
            "login": f"stranger{number}@example.com",
            "password": "not-the-password",
        }
        return lambda: request(login, data=form, headers=headers)

    answers = in_pairs([failed_login(number) for number in range(14)])

    assert {status for status, _ in answers} == {200}
    checked = [body for _, body in answers if "you specified are not correct" in body]
    refused = [body for _, body in answers if "Too many failed login attempts" in body]
    assert (len(checked), len(refused)) == (FAILED_LOGIN_LIMIT, 4)
    assert len(workers_that_answered("/en/accounts/login/")) == 2
