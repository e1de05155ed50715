"""The admin's choice of a course's teaching topic: the programmes' topics (academy.teaching)."""

from django import forms
from django.utils.translation import gettext as _

from academy import teaching


def topic_choices(current: str = "") -> list[tuple[str, str]]:
    """The topics certification's programmes authorise, read when the form is drawn; a topic
    a programme no longer lists stays choosable, so saving the course again keeps it."""
    topics = teaching.topics()
    if current and current not in topics:
        topics.append(current)
    return [("", _("No topic: staff answer"))] + [(topic, topic) for topic in topics]


class TopicSelect(forms.Select):
    def get_context(self, name, value, attrs):
        self.choices = topic_choices(value or "")
        return super().get_context(name, value, attrs)
