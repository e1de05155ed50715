from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Provider Academy")

    def ready(self):
        from . import (
            exports,
            search,
            signals,  # noqa: F401  (signals keep the search index current)
            wagtail_fixes,
        )
        from .models import StandardPage

        exports.guard_wagtail_exports()
        wagtail_fixes.apply()

        search.register(StandardPage, kind=_("Article"), fields=["intro", "body"])
