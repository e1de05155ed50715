"""Test settings: the suite runs on SQLite by default and on PostgreSQL + Redis when
DATABASE_URL / CELERY_BROKER_URL / REDIS_URL are set (make test-services)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
# Hashing passwords with PBKDF2 costs 0.25 s a login; tests log in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A test's real Celery worker (a subprocess) writes its mail to files the test reads instead.
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH", default="")
STORAGES = {
    # The backup drill's restore subprocess reads the media it restored from disk.
    "default": {
        "BACKEND": env("TEST_FILE_STORAGE", default="django.core.files.storage.InMemoryStorage")
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Tests that need a real worker start one themselves (tests/academy/test_celery_worker.py);
# every other test runs tasks in-process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
SITE_URL = WAGTAILADMIN_BASE_URL = WAGTAILAPI_BASE_URL = "http://testserver"
# Serve static files from the apps (no collectstatic) for live_server browser tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
