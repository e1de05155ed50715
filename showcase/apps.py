from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    name = "showcase"
    verbose_name = _("Business expansion")

    def ready(self):
        # Registered in every process (web, relay, worker), so the outbox can always name them.
        from . import indexing, retention, tasks  # noqa: F401

        retention.register()
        indexing.register()
