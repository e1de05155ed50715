"""The Celery app. Tasks live in each app's tasks.py and are discovered from INSTALLED_APPS.

Settings come from Django settings with the CELERY_ prefix (academy/settings/base.py). Without
CELERY_BROKER_URL tasks run eagerly in-process, so the demo needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.dev")

app = Celery("academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
