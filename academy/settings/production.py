"""Production: PostgreSQL + Redis + Celery behind gunicorn. Refuses to start without SECRET_KEY."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, DATABASE_CACHE_TABLE, REDIS_URL, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")

# Rate limits (allauth's login failures, sign-ups, resets; the verify pages') count in the default
# cache. It must be one that every gunicorn worker on every machine shares: with a cache per process,
# each of N workers grants the whole limit again. Redis when REDIS_URL is set; CACHE_URL for another
# shared cache (memcached…); otherwise the database, in the table migrations create.
if env("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
elif not REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            # Past MAX_ENTRIES Django deletes a third of the rows, counters included: keep it high.
            "OPTIONS": {"MAX_ENTRIES": env.int("DATABASE_CACHE_MAX_ENTRIES", default=100_000)},
        }
    }
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    # Shared by the workers of one machine, not across machines.
    "django.core.cache.backends.filebased.FileBasedCache",
}
if CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
    raise ImproperlyConfigured(
        f"The default cache ({CACHES['default']['BACKEND']}) is not shared between processes and "
        "machines, so rate limits would count per worker. Set REDIS_URL, or a shared CACHE_URL, "
        "or leave both unset to use the database cache."
    )

STORAGES = {
    "default": {
        "BACKEND": env(
            "DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": STORAGES["private"],  # noqa: F405  (base: personal-data exports, never public)
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# /healthz is probed by load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a same-origin iframe, so DENY would break editing.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
