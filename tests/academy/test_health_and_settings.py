import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError

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
