"""Exams and attempts.

The fields marked "contract" are what other parts read (programmes' "exam passed" requirement,
growth's reports): keep their names; settings and relations are added around them.

An attempt owns a snapshot of its questions (Response: text, choices in the order shown, correct
keys, points) taken when it starts, so neither later edits of the bank nor the exam's settings
change what was asked or how it was graded.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .questions import Question, QuestionBank


class Review(models.TextChoices):
    """What a candidate sees of a finished attempt; each level includes the one before."""

    SCORE = "score", _("score only")
    ANSWERS = "answers", _("score and their answers")
    FULL = "full", _("correct answers and explanations")


REVIEW_ORDER = [Review.SCORE, Review.ANSWERS, Review.FULL]


class Exam(ClusterableModel):
    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("highest attempt")
        LAST = "last", _("last attempt")

    class Layout(models.TextChoices):
        ONE_PER_PAGE = "one", _("one question per page")
        ALL = "all", _("all questions on one page")

    # contract
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, help_text=_("Minimum score, in per cent, to pass.")
    )
    # settings
    description = models.TextField(_("description"), blank=True)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Candidates only see published exams.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0: unlimited.")
    )
    wait_hours = models.PositiveSmallIntegerField(_("wait between attempts (hours)"), default=0)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    layout = models.CharField(
        _("layout"), max_length=10, choices=Layout.choices, default=Layout.ONE_PER_PAGE
    )
    grading_method = models.CharField(
        _("grading method"),
        max_length=10,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
    )
    review_after_submit = models.CharField(
        _("review right after submitting"),
        max_length=10,
        choices=Review.choices,
        default=Review.SCORE,
    )
    review_after_close = models.CharField(
        _("review after the exam closes"),
        max_length=10,
        choices=Review.choices,
        default=Review.ANSWERS,
    )

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        permissions = [("view_exam_statistics", "Can see exam statistics")]

    def __str__(self):
        return self.title

    def is_closed(self, now=None) -> bool:
        return self.closes_at is not None and (now or timezone.now()) >= self.closes_at

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.published
            and (self.opens_at is None or now >= self.opens_at)
            and not self.is_closed(now)
        )

    @property
    def question_count(self) -> int:
        return sum(pool.count for pool in self.pools.all())


class ExamPool(Orderable):
    """ "Draw `count` questions from `bank` (optionally only its `topic`)"."""

    exam = ParentalKey(Exam, on_delete=models.CASCADE, related_name="pools")
    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="pools"
    )
    topic = models.CharField(
        pgettext_lazy("question topic", "topic"),
        max_length=100,
        blank=True,
        help_text=_("Empty: any topic of the bank."),
    )
    count = models.PositiveSmallIntegerField(_("questions to draw"), default=10)

    class Meta(Orderable.Meta):
        verbose_name = _("question pool")
        verbose_name_plural = _("question pools")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return f"{self.bank} · {self.topic or '*'} × {self.count}"


class ExamOverride(models.Model):
    """An officer's exception for one candidate: more time, more attempts."""

    exam = models.ForeignKey(
        Exam, verbose_name=_("exam"), on_delete=models.CASCADE, related_name="overrides"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="exam_overrides",
    )
    extra_minutes = models.PositiveSmallIntegerField(_("extra time (minutes)"), default=0)
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    note = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("candidate override")
        verbose_name_plural = _("candidate overrides")
        constraints = [
            models.UniqueConstraint(fields=["exam", "user"], name="one_override_per_candidate")
        ]

    def __str__(self):
        return f"{self.exam} · {self.user}"


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("awaiting grading")
        GRADED = "graded", _("graded")

    # contract
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
    # Set by the service to the same instant the deadline is counted from.
    started_at = models.DateTimeField(_("started"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    # Per cent, two decimals; null until graded.
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True)
    passed = models.BooleanField(_("passed"), null=True)
    # the attempt's own record
    number = models.PositiveSmallIntegerField(_("attempt number"), default=1)
    # The server's deadline (time limit + extra time, capped at the exam's close); null: none.
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    points_possible = models.DecimalField(
        _("points possible"), max_digits=7, decimal_places=2, default=0
    )
    points_scored = models.DecimalField(
        _("points scored"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    auto_submitted = models.BooleanField(_("submitted at the deadline"), default=False)

    # Attempts are written on the candidates' hot path and nothing in the admin needs to know
    # what refers to them: skip Wagtail's reference index (2–3 queries a save).
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        indexes = [
            models.Index(fields=["exam", "user", "state"]),
            models.Index(fields=["state", "deadline"]),
        ]
        constraints = [
            # One attempt in progress per candidate and exam, whatever the application does.
            models.UniqueConstraint(
                fields=["exam", "user"],
                condition=models.Q(state="in_progress"),
                name="one_attempt_in_progress",
            )
        ]
        permissions = [("grade_attempt", "Can grade short answers")]

    def __str__(self):
        return f"{self.exam} · {self.user} · {self.started_at:%Y-%m-%d}"

    def time_left(self, now=None) -> timedelta | None:
        if self.deadline is None:
            return None
        return max(self.deadline - (now or timezone.now()), timedelta(0))


class Response(models.Model):
    """One question of one attempt: the snapshot of what was asked, and the candidate's answer.

    `choices` holds [{"key", "text"}] in the order shown; `correct_keys` the keys that are right.
    Keys are random per attempt, so nothing in the page reveals which choice is which.
    """

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="responses"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # Kept for statistics across attempts; the snapshot below is what counts.
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="responses",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Question.Kind.choices)
    scoring = models.CharField(max_length=10, choices=Question.Scoring.choices)
    text = models.TextField(_("question"))
    choices = models.JSONField(default=list)
    correct_keys = models.JSONField(default=list)
    explanation = models.TextField(blank=True)
    model_answer = models.TextField(blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    # the answer
    selected = models.JSONField(default=list, blank=True)
    text_answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The candidate's own note "come back to this one" (shown in the summary before submitting);
    # it plays no part in grading.
    flagged = models.BooleanField(_("flagged for review"), default=False)
    # the grade
    points_awarded = models.DecimalField(
        _("points awarded"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    feedback = models.TextField(_("feedback"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("graded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_response_per_slot")
        ]

    def __str__(self):
        return f"{self.attempt_id} · {self.position}"

    @property
    def answered(self) -> bool:
        return bool(self.selected) or bool(self.text_answer.strip())

    @property
    def number(self) -> int:
        return self.position + 1
