"""Production counts rate limits in a cache every worker and machine shares, and refuses to start
on one each process keeps for itself (academy/settings/production.py). The settings are evaluated
in a subprocess, with the environment a deployment would have."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "academy.settings.production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-value-1234567890",
    "ALLOWED_HOSTS": "academy.example.com",
    "DATABASE_URL": "sqlite:////tmp/academy-production-cache-check.sqlite3",
}
# What the test runner's environment may carry that a deployment chooses for itself.
CHOSEN_BY_EACH_TEST = ("REDIS_URL", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")


def production_env(**overrides) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in CHOSEN_BY_EACH_TEST}
    return {**base, **PRODUCTION, **overrides}


def cache_settings(**env) -> subprocess.CompletedProcess:
    code = (
        "from django.conf import settings; "
        "cache = settings.CACHES['default']; print(cache['BACKEND'], cache.get('LOCATION', ''))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=production_env(**env),
    )


def test_without_redis_production_counts_in_the_database_cache():
    result = cache_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.db.DatabaseCache", "academy_cache"]


def test_with_redis_url_production_counts_in_redis():
    result = cache_settings(REDIS_URL="redis://127.0.0.1:6379/12")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "academy.cache.RedisCache",  # Django's, with one redis-py client per pool
        "redis://127.0.0.1:6379/12",
    ]


def test_the_redis_cache_keeps_one_client_and_still_works():
    from django.core.cache import caches

    from academy.cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/12", {"KEY_PREFIX": "client-test"})
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    try:
        cache._cache.get_client().ping()
    except Exception:  # noqa: BLE001
        pytest.skip("no Redis on 127.0.0.1:6379")
    cache.set("answer", 42)
    assert cache.get("answer") == 42 and cache.incr("answer") == 43
    cache.delete("answer")
    assert caches["default"].get("never-set") is None


@pytest.mark.parametrize("cache_url", ["locmemcache://", "dummycache://", "filecache:///tmp/c"])
def test_manage_py_refuses_a_cache_each_process_keeps_for_itself(cache_url):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=production_env(CACHE_URL=cache_url),
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "rate limits would count per worker" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_refuses_to_start_on_a_per_process_cache(tmp_path):
    process = subprocess.run(
        [sys.executable, "-m", "gunicorn", "academy.wsgi", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{free_port()}", "--error-logfile", "-"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=production_env(CACHE_URL="locmemcache://"),
    )
    assert process.returncode != 0
    assert "rate limits would count per worker" in process.stdout + process.stderr
