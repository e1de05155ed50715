from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Provider Academy")

    def ready(self):
        # receivers keep the search index current; locks bounds row-lock waits on PostgreSQL.
        from . import (  # noqa: F401
            exports,
            localisation,
            locks,
            receivers,
            retention,
            search,
            wagtail_fixes,
        )
        from .models import StandardPage

        exports.guard_wagtail_exports()
        retention.register_academy_rules()
        wagtail_fixes.apply()
        # Original pages are linked under the reader's language prefix (academy/localisation.py).
        localisation.install()

        search.register(StandardPage, kind=_("Article"), fields=["intro", "body"])
