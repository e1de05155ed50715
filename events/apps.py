from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Offline events")

    def ready(self):
        from academy import search

        from . import (
            receivers,  # noqa: F401  (publishing an event promotes and announces)
            retention,
            slots,  # noqa: F401  (the reader's registration on shared event cards)
        )
        from .models import EventPage

        search.register(
            EventPage, kind=_("Event"), fields=["summary", "city", "venue", "description", "agenda"]
        )
        retention.register()
