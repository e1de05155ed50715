"""Fixed vocabularies of the learning content: course level and the language a course is taught in."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Language(models.TextChoices):
    """The language a course is taught in (its content), not the reader's interface language."""

    SIMPLIFIED = "zh-hans", _("Simplified Chinese")
    TRADITIONAL = "zh-hant", _("Traditional Chinese")
    ENGLISH = "en", pgettext_lazy("course language", "English")
