import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_ok_without_language_prefix(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_is_503_when_the_database_is_down(client, db, monkeypatch):
    monkeypatch.setattr("academy.health.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {**response.json(), "status": "error", "database": "error"}


def test_healthz_reports_a_broker_outage_as_degraded_with_the_backlog(client, db, broker_down):
    from academy import outbox
    from academy.tasks import send_welcome_email

    outbox.enqueue(send_welcome_email, 1)  # never published: the test's transaction stays open
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "error")
    assert body["tasks"] == "degraded"
    assert body["outbox"]["unsent"] == 1 and body["outbox"]["oldest_seconds"] >= 0


def test_healthz_is_degraded_when_follow_up_work_waits_too_long(client, db, monkeypatch):
    from academy import outbox
    from academy.models import OutboxTask

    monkeypatch.setattr("academy.health.check_broker", lambda: "ok")
    row = outbox.enqueue("academy.tasks.send_welcome_email", 1)
    assert client.get("/healthz").json()["tasks"] == "ok"
    OutboxTask.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    body = client.get("/healthz").json()
    assert body["tasks"] == "degraded" and body["outbox"]["oldest_seconds"] >= 660
    OutboxTask.objects.filter(pk=row.pk).update(sent_at=timezone.now())
    body = client.get("/healthz").json()
    assert body["tasks"] == "ok" and body["outbox"] == {"unsent": 0, "oldest_seconds": None}


def _run_manage(args, **env):
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in the test process; a deployment never has it.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, "DJANGO_SETTINGS_MODULE": "academy.settings.production", **env},
    )


def test_production_settings_refuse_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "DJANGO_SETTINGS_MODULE": "academy.settings.production", "SECRET_KEY": ""},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_check_deploy_is_clean():
    result = _run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-value-1234567890",
        ALLOWED_HOSTS="academy.example.com",
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:////tmp/academy-deploy-check.sqlite3"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_need_no_server(settings):
    # Without CELERY_BROKER_URL, tasks run in-process; without REDIS_URL the cache is local.
    if os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("running against real services")
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_api_lists_published_pages(client, home_page):
    response = client.get("/api/v2/pages/")
    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["items"]]
    assert "服务商学院" in titles
