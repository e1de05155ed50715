"""Exams and attempts.

The fields below are the contract other parts read (programmes' "exam passed" requirement,
growth's reports): keep their names; add settings and relations around them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Exam(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, help_text=_("Minimum score, in per cent, to pass.")
    )

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")

    def __str__(self):
        return self.title


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("awaiting grading")
        GRADED = "graded", _("graded")

    exam = models.ForeignKey(
        Exam, verbose_name=_("exam"), on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="exam_attempts",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    # Per cent, two decimals; null until graded.
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True)
    passed = models.BooleanField(_("passed"), null=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        indexes = [models.Index(fields=["exam", "user", "state"])]

    def __str__(self):
        return f"{self.exam} · {self.user} · {self.started_at:%Y-%m-%d}"
