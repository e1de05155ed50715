from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Lecturer certification")

    def ready(self):
        from academy import teaching

        from . import (
            receivers,  # noqa: F401  (course certificates: reactions to other apps' signals)
            tasks,  # noqa: F401  (connects the certificate receivers to other apps' signals)
        )
        from .services import issuing

        teaching.register_topic_source(issuing.teaching_topics)
