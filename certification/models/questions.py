"""Question banks and questions, as officers author them.

Attempts never read these rows to show or grade a question: starting an attempt copies what it
needs into Response (snapshot), so editing or retiring a question leaves past attempts unchanged.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable


class QuestionBank(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["title"]

    def __str__(self):
        return self.title


class Question(ClusterableModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TRUE_FALSE = "true_false", _("true / false")
        SHORT = "short", _("short answer (graded by an officer)")

    class Scoring(models.TextChoices):
        ALL_OR_NOTHING = "all", _("all or nothing")
        PARTIAL = "partial", _("partial credit")

    class Difficulty(models.IntegerChoices):
        EASY = 1, _("easy")
        MEDIUM = 2, _("medium")
        HARD = 3, _("hard")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", pgettext_lazy("in use", "active")
        RETIRED = "retired", _("retired")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE)

    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField(_("question"))
    topic = models.CharField(
        pgettext_lazy("question topic", "topic"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("Exams can draw questions from one topic of a bank."),
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    scoring = models.CharField(
        _("multiple-choice scoring"),
        max_length=10,
        choices=Scoring.choices,
        default=Scoring.ALL_OR_NOTHING,
        help_text=_("Only used by multiple-choice questions."),
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, default=Decimal(1))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown at review when the exam allows it.")
    )
    model_answer = models.TextField(
        _("model answer"), blank=True, help_text=_("Short answer: guidance for the grader.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "pk"]
        indexes = [models.Index(fields=["bank", "status", "topic"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gt=0), name="question_points_positive"
            )
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        # Choices are validated by the admin form (they are an inline); a short answer has none.
        if self.points is not None and self.points <= 0:
            raise ValidationError({"points": _("Points must be greater than zero.")})


class Choice(Orderable):
    question = ParentalKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.text
