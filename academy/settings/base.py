"""Settings shared by every deployment.

Every deployment choice is read from the environment (README, "Configuration"), with a
development default that needs no server: SQLite under var/, in-process Celery, console e-mail.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "academy",
    "courses",
    "certification",
    "events",
    "growth",
    "showcase",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtailmedia",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
]
# The platform's own OAuth / WeChat login is switched on by settings alone (README).
SOCIALACCOUNT_PROVIDERS_ENABLED = env.list("SOCIAL_LOGIN_PROVIDERS", default=[])
INSTALLED_APPS += [f"allauth.socialaccount.providers.{p}" for p in SOCIALACCOUNT_PROVIDERS_ENABLED]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise so static files carry the headers too (academy/headers.py).
    "academy.headers.ContentSecurityPolicyMiddleware",
    "academy.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, locale and routing: a hit skips all of them (academy/page_cache.py).
    "academy.page_cache.PageCacheMiddleware",
    # The site and its home page from memory while content is unchanged (academy/sites.py).
    "academy.sites.SiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Every HTML page in the reader's script, including the pages middleware below answers with.
    "academy.script.ReaderScriptMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After the locale and the user are known: its 400 page is a page of the site.
    "academy.middleware.RefuseNulMiddleware",
    "academy.middleware.RefuseShortForwardedForMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "academy.locks.BusyMiddleware",
    "academy.errors.AcademyErrorMiddleware",
    # After the user and the locale: a signed-in person accepts a materially changed privacy
    # notice before going on (academy/privacy.py).
    "academy.middleware.PrivacyNoticeMiddleware",
]

# Pages a signed-in person reaches without having accepted the privacy notice in force (URL
# names): reading it, accepting it, signing out, and taking one's data and leaving.
PRIVACY_NOTICE_EXEMPT_URL_NAMES = {
    "privacy_notice",
    "privacy_notice_version",
    "privacy_accept",
    "account_logout",
    "account_email_verification_sent",
    "account_confirm_email",
    "my_data",
    "my_data_export",
    "my_data_download",
    "close_account",
    "close_account_cancel",
    "close_account_link",
}

ROOT_URLCONF = "academy.urls"
WSGI_APPLICATION = "academy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "academy.navigation.site_sections",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'academy.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes a write transaction take SQLite's write lock at BEGIN, so two sign-ups
    # cannot both read "one seat left" and both write (events' capacity invariant).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool(
    "POSTGRES_JIT", default=False
):
    # PostgreSQL's JIT compiles a plan it estimates as expensive: the learning report's query
    # (0.3 s to run) spent 1.5 s compiling at 10,000 users. Web queries are short: keep it off.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# PostgreSQL: how long a service waits for a row lock before the person sees "busy, please try
# again" (409) — academy/locks.py. SQLite bounds its wait with the "timeout" option above.
DATABASE_LOCK_TIMEOUT = env("DATABASE_LOCK_TIMEOUT", default="3s")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "academy.User"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "academy.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "academy",
        }
    }
    # A signed-in request reads its session from Redis, not PostgreSQL; the database keeps the
    # copy of record. Only with a cache every worker shares: with one per process, a session ended
    # in one worker would live on in another's cache.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for anonymous visitors (academy/page_cache.py), in the default cache. 0 turns it off.
# Content changes show at once; figures fed by PAGE_CACHE_VOLATILE_MODELS (seats left, counts) are
# at most this many seconds old.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# Parts of pages shown alike to many readers, signed in or not (the header, the footer, listings),
# in the default cache (academy/fragments.py): keyed on the page cache's version, so edits show at
# once; what PAGE_CACHE_VOLATILE_MODELS feed (a lecturer's changed name) is at most this old, as
# on stored pages. 0 turns it off.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=60)
PAGE_CACHE_EXEMPT_PREFIXES = ["/admin/", "/django-admin/", "/healthz", "/accounts/", "/media/"]
# Tracking decorations on shared links (WeChat adds from= and isappinstalled=); utm_* always.
PAGE_CACHE_IGNORED_PARAMETERS = {"from", "isappinstalled", "fbclid", "gclid"}
# Rows written on every sign-in, sign-up, lesson view, render or admin keystroke: they do not make
# stored pages stale (a bump per sign-up would empty the cache during a rush).
PAGE_CACHE_VOLATILE_MODELS = [
    "sessions.session",
    "academy.user",  # last_login on every sign-in; a changed name shows within the TTL
    "academy.outboxtask",
    "academy.outgoingmail",
    "academy.consentrecord",
    "academy.dataexport",
    "academy.retentionrun",
    "academy.joinrequest",
    "account.emailaddress",
    "account.emailconfirmation",
    "admin.logentry",
    "wagtailcore.modellogentry",
    "wagtailcore.pagelogentry",
    "wagtailcore.revision",  # drafts; publishing saves the page or snippet itself
    "wagtailcore.workflowstate",
    "wagtailcore.taskstate",
    "wagtailcore.comment",
    "wagtailcore.commentreply",
    "wagtailcore.pagesubscription",
    "wagtailcore.uploadedfile",
    "wagtailcore.referenceindex",
    "wagtailadmin.editingsession",
    "wagtailusers.userprofile",
    "wagtailimages.rendition",  # made while a page renders
    "wagtailembeds.embed",  # likewise
    "wagtailsearch.indexentry",
    "wagtailsearch.sqliteftsindexentry",
    "courses.enrollment",
    "courses.lessonprogress",
    "courses.peerreviewtask",
    "courses.playbackposition",  # every ten seconds of a playing video
    "courses.questionvote",
    "courses.questionreport",
    "certification.attempt",
    "certification.response",
    "events.registration",
    "events.attendancechange",
    "events.notification",
    "events.sessionrating",
    "events.livequestion",  # asked during a session; answers are published after it
    "events.livequestionvote",
    "growth.assignment",
    "growth.actionplan",
    "growth.actionplanitem",
    "showcase.enquiry",
]

# Rate limits (allauth's and the verify pages', academy/ratelimits.py) count in this default cache;
# production refuses a cache that each process keeps for itself (production.py). The database
# cache uses this table, created by a migration (academy 0007) so every `migrate` makes it.
DATABASE_CACHE_TABLE = "academy_cache"

# --- Celery (academy/celery.py) -----------------------------------------------------------------
TASKS_USE_BROKER = bool(env("CELERY_BROKER_URL", default=""))
# Without a broker every task runs in-process after commit, so the embedded default needs no server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_ALWAYS_EAGER = not TASKS_USE_BROKER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL if TASKS_USE_BROKER else None
)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A task is acknowledged after it ran, so a worker that dies mid-task hands it to another;
# every task is therefore written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A user's request publishes its follow-up work after commit (academy/outbox.py) and must not wait
# on a broker that does not answer: no kombu retries there (the outbox relay retries) and short
# connection and socket timeouts, for the broker and for the Redis result backend alike.
CELERY_BROKER_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=1.0)
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_TIMEOUT,
    "socket_timeout": CELERY_BROKER_TIMEOUT,
    "max_retries": 0,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = CELERY_BROKER_TIMEOUT
# Delivered outbox rows are kept this long for the admin's view, then purged (academy/tasks.py).
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=14)

# How long each kind of data is kept, in days (academy/retention.py; docs/privacy.md). A number:
# the daily retention job removes what is older; None: kept, no job touches it; "never stored":
# stated here so the table is complete. Each deletable kind is a rule an app registers.
ACADEMY_RETENTION: dict = {
    # Sign-in sessions, counted from their expiry.
    "sessions": env.int("RETENTION_SESSIONS_DAYS", default=7),
    # academy.mail's records of e-mails sent (recipient, subject), counted from sending.
    "email_log": env.int("RETENTION_EMAIL_LOG_DAYS", default=OUTBOX_KEEP_DAYS),
    # academy.outbox rows handed to the broker, counted from handing over.
    "outbox": env.int("RETENTION_OUTBOX_DAYS", default=OUTBOX_KEEP_DAYS),
    # events' per-registrant notification keys, counted from the end of the event.
    "event_notifications": env.int("RETENTION_EVENT_NOTIFICATIONS_DAYS", default=180),
    # Cancelled closure requests and expired downloads of personal data (academy/retention.py).
    "closed_accounts": env.int("RETENTION_CLOSED_ACCOUNTS_DAYS", default=30),
    # Enquiries sent through the provider showcase, counted from when they were sent.
    "showcase_enquiries": env.int("RETENTION_SHOWCASE_ENQUIRIES_DAYS", default=365),
    # Certificate PDFs uploaded to /verify/upload/: read in memory (or a temporary file the
    # request deletes) and never written anywhere.
    "verify_uploads": "never stored",
    # Wagtail's audit log (who saw and exported whose data, who changed what): kept.
    "audit_log": None,
    # Consent history: the proof of what a person agreed to, kept while the account exists.
    "consent_records": None,
}
# /healthz says "tasks": "degraded" when an undelivered task is older than this (seconds): the
# broker or the relay (Celery beat) has been down for that long.
HEALTH_OUTBOX_MAX_AGE = env.int("HEALTH_OUTBOX_MAX_AGE", default=600)
CELERY_TIMEZONE = env("TIME_ZONE", default="Asia/Shanghai")
# Every periodic job, in one place (beat runs exactly once per deployment).
CELERY_BEAT_SCHEDULE: dict = {
    # Wagtail's scheduled publishing (go-live / expiry dates set in the page editor).
    "publish-scheduled-pages": {"task": "courses.tasks.publish_scheduled_pages", "schedule": 60.0},
    # Follow-up work the broker did not take at commit (academy/outbox.py), and its purge.
    "outbox-relay": {"task": "academy.tasks.relay_outbox", "schedule": 30.0},
    # What ACADEMY_RETENTION says is due (outbox rows and sent e-mail keys among it).
    "apply-retention": {
        "task": "academy.tasks.apply_retention",
        "schedule": crontab(hour=4, minute=20),
    },
    "events-send-reminders": {
        "task": "events.tasks.send_due_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "events-expire-offers": {
        "task": "events.tasks.expire_lapsed_offers",
        "schedule": crontab(minute="*/5"),
    },
    "certification-expire-and-remind": {
        "task": "certification.tasks.daily_certificate_lifecycle",
        "schedule": crontab(hour=3, minute=10),
    },
    # Issues that no signal brought (sessions count as taught once the event ended; a re-check
    # that failed), after the lifecycle job; then, hourly, certificates missing their PDF or mail.
    "certification-sweep-programmes": {
        "task": "certification.tasks.sweep_programmes",
        "schedule": crontab(hour=3, minute=40),
    },
    "certification-complete-certificates": {
        "task": "certification.tasks.complete_certificates",
        "schedule": crontab(minute=25),
    },
    # Personal data (issue 20): expired downloads deleted; closures whose cooling-off ended.
    "academy-expire-data-exports": {
        "task": "academy.tasks.expire_data_exports",
        "schedule": crontab(minute=50),
    },
    "academy-process-closures": {
        "task": "academy.tasks.process_closures",
        "schedule": crontab(hour=2, minute=30),
    },
    # Assignment reminders (growth/services/assignments.py): before and on the due date, once each.
    "growth-assignment-reminders": {
        "task": "growth.tasks.queue_assignment_reminders",
        "schedule": crontab(hour=8, minute=5),
    },
    "certification-close-abandoned-attempts": {
        "task": "certification.tasks.close_abandoned_attempts",
        "schedule": crontab(minute="*"),
    },
}

# --- Accounts (django-allauth) ------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "academy.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_USER_DISPLAY = "academy.models.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[服务商学院] "
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_academy"
SOCIALACCOUNT_ONLY = False
# allauth's rate limits stay on with its defaults (login failures, sign-ups, password resets).

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail --------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds before a stalled mail server is given up on (the task is retried), instead of forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="服务商学院 <academy@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages and time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
# Content is written in Simplified Chinese and may have an English version (Wagtail's
# localisation, edited with wagtail.contrib.simple_translation: docs/languages.md). Traditional
# Chinese is not a content language: /zh-hant/ readers get the Simplified pages converted to their
# script by OpenCC, so one text serves both scripts. Wagtail maps zh-hant to the zh-hans locale
# (get_supported_content_language_variant) and links those pages under /zh-hant/.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# `manage.py backup` writes its archives here unless told otherwise (README, "Backups").
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")

# Files only their owner may fetch, through a permission-checked view (personal-data exports),
# never under MEDIA_URL. Several machines: a shared location, or an S3 bucket without public access
# (PRIVATE_FILE_STORAGE=storages.backends.s3.S3Storage, configured like the default storage).
PRIVATE_FILE_STORAGE = env(
    "PRIVATE_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": PRIVATE_FILE_STORAGE,
        "OPTIONS": {"location": str(env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private"))}
        if PRIVATE_FILE_STORAGE.endswith("FileSystemStorage")
        else {},
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Security headers (academy/headers.py) --------------------------------------------------------
# Video blocks embed players from their hosting site (Wagtail's oEmbed finders): the hosts allowed
# in frames. Replace with the hosts editors actually use.
EMBED_FRAME_SOURCES = env.list(
    "CSP_FRAME_SRC",
    default=[
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ],
)
# Media on another origin (S3-compatible storage with an absolute MEDIA_URL) must be allowed to load.
_media = urlsplit(MEDIA_URL)
MEDIA_ORIGINS = [f"{_media.scheme}://{_media.netloc}"] if _media.netloc else []
# A social login's form posts to allauth, which redirects to the provider: Chromium applies
# form-action to that redirect, so the provider's authorisation origin must be listed.
SOCIAL_LOGIN_ORIGINS = {"weixin": "https://open.weixin.qq.com"}
FORM_ACTION_SOURCES = env.list("CSP_FORM_ACTION", default=[]) + [
    SOCIAL_LOGIN_ORIGINS[p] for p in SOCIALACCOUNT_PROVIDERS_ENABLED if p in SOCIAL_LOGIN_ORIGINS
]
# What people read: no inline script or style at all (the standalone 500 page's <style> carries a
# nonce), no plugins, no framing by other sites, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "frame-src": EMBED_FRAME_SOURCES or [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *FORM_ACTION_SOURCES],
        "frame-ancestors": [NONE],
    },
}
# The Wagtail and Django admins (staff only). Wagtail 8 still writes inline <script> elements
# (InlinePanel, MultipleChooserPanel, the date and time pickers) and inline styles, and shows
# image previews from blob: URLs; its page preview is an iframe of the admin itself.
ADMIN_URL_PREFIXES = ["/admin/", "/django-admin/"]
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "frame-src": [SELF, *EMBED_FRAME_SOURCES],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Browser features nobody here needs are off for this site and anything it frames; the door
# scanner turns the camera on for itself (events.views.check_in, @permissions_policy).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# --- Rate limits (academy/ratelimits.py) -----------------------------------------------------------
# allauth's own limits (login failures, sign-ups, password resets) keep its defaults; these are the
# public verification pages', in allauth's syntax: amount / period / per ip.
ACADEMY_RATE_LIMITS = {
    "verify_lookup": env("VERIFY_LOOKUP_RATE_LIMIT", default="60/m/ip"),
    "verify_upload": env("VERIFY_UPLOAD_RATE_LIMIT", default="10/m/ip"),
    # Merchants' enquiries to providers (showcase): a person sends a few, a spammer many.
    "showcase_enquiry": env("SHOWCASE_ENQUIRY_RATE_LIMIT", default="5/10m/ip,20/d/ip"),
    # Learners' questions, answers and reports (courses): per person, whatever their address.
    "course_question": env("COURSE_QUESTION_RATE_LIMIT", default="5/10m/user,20/d/user"),
    "course_answer": env("COURSE_ANSWER_RATE_LIMIT", default="30/10m/user"),
    "question_report": env("QUESTION_REPORT_RATE_LIMIT", default="10/h/user"),
    # Questions to an event's live Q&A board, per signed-in attendee: a few a minute is plenty.
    "event_live_question": env("EVENT_LIVE_QUESTION_RATE_LIMIT", default="3/m/user,20/h/user"),
}

# --- Personal data (issue 20: My data, account closure) -------------------------------------------
# A person may ask for one download of their data per this many minutes; the link lasts this long.
MY_DATA_EXPORT_EVERY_MINUTES = env.int("MY_DATA_EXPORT_EVERY_MINUTES", default=60)
MY_DATA_EXPORT_KEEP_DAYS = env.int("MY_DATA_EXPORT_KEEP_DAYS", default=7)
# Days between confirming an account closure and carrying it out (cancellable meanwhile).
ACCOUNT_CLOSURE_COOLING_OFF_DAYS = env.int("ACCOUNT_CLOSURE_COOLING_OFF_DAYS", default=7)
# Behind a proxy every request comes from the proxy's address: say how many proxies (or which
# header) to trust, so that rate limits count per visitor. allauth reads these; so do ours.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None)

# --- Wagtail -------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "服务商学院 Provider Academy"
# The public address (academy.site_url); Wagtail reads its own copy for admin notification links.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=SITE_URL)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Lesson video and audio (courses/media.py): browsers play H.264 + AAC in MP4 and AAC/MP3 audio
# everywhere, so those are the formats editors may upload.
WAGTAILMEDIA = {
    "MEDIA_MODEL": "courses.LessonMedia",
    "AUDIO_EXTENSIONS": ["m4a", "mp3", "aac"],
    "VIDEO_EXTENSIONS": ["mp4", "m4v"],
}
# Programs that read a media file's duration and poster frame (Debian's ffmpeg package).
FFPROBE = env("FFPROBE", default="ffprobe")
FFMPEG = env("FFMPEG", default="ffmpeg")
# Every download goes through Wagtail's serve view, never a redirect to the storage's own URL: a
# lesson's attachments are checked there (courses/materials.py). The web server must not serve
# MEDIA_ROOT/documents/ itself.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILAPI_LIMIT_MAX = 50
# The admin's content security policy lets staff browsers talk to this site only: no Gravatar
# avatars (they would also send a hash of each editor's e-mail to a third party) and no call to
# releases.wagtail.org for the upgrade notice (Wagtail's version is pinned in pyproject.toml).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Certificate signing (certification/signing.py) ----------------------------------------------
CERT_SIGNING_KEY = env("CERT_SIGNING_KEY", default=str(VAR_DIR / "signing" / "signer.key.pem"))
CERT_SIGNING_CERT = env("CERT_SIGNING_CERT", default=str(VAR_DIR / "signing" / "signer.cert.pem"))
CERT_SIGNING_CHAIN = env("CERT_SIGNING_CHAIN", default=str(VAR_DIR / "signing" / "ca.cert.pem"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Wagtail and django-tasks log every background task at INFO; keep the console readable.
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "academy": {"level": env("LOG_LEVEL", default="INFO")},
        "celery": {"level": "INFO"},
    },
}
