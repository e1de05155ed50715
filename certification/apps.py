from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Lecturer certification")

    def ready(self):
        from academy import teaching

        # receivers: re-check programmes on the other apps' facts (course completed, attendance,
        # session taught). tasks: registered in every process, so the outbox can always name them.
        from . import receivers, tasks  # noqa: F401
        from .services import issuing

        teaching.register_topic_source(issuing.teaching_topics)
