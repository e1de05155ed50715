from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Provider Academy")

    def ready(self):
        # signals keep the search index current; locks bounds row-lock waits on PostgreSQL.
        from . import locks, search, signals  # noqa: F401
        from .models import StandardPage

        search.register(StandardPage, kind=_("Article"), fields=["intro", "body"])
