from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = _("Growth diagnosis and reports")

    def ready(self):
        from . import receivers  # noqa: F401  (an invitation is accepted on sign-up or login)
