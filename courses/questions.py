"""Questions where they arise: learners ask under a lesson or a case study, lecturers answer.

A question belongs to one page (a lesson or a case study) and one asker; answers come from
lecturers authorised for the course's teaching topic, or from staff (courses/questions_services.py
decides who may). The asker accepts at most one answer; an accepted answer counts toward the
lecturer's renewal evidence (certification's "accepted answers" requirement).

Invariants the database holds: one vote per person and question, one report per person and
question, at most one accepted answer per question. Everything that changes these rows goes
through questions_services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX = 120
BODY_MAX = 2000
ANSWER_MAX = 4000
BODY_MIN = 10


class Question(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden by staff")

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("asked on"),
        on_delete=models.CASCADE,
        related_name="learner_questions",
    )
    # The lesson's course, whose teaching topic decides who answers; empty under a case study.
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="course_questions",
    )
    title = models.CharField(pgettext_lazy("question", "question"), max_length=TITLE_MAX)
    body = models.TextField(_("details"), max_length=BODY_MAX)
    status = models.CharField(
        pgettext_lazy("question", "status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PUBLISHED,
        db_index=True,
    )
    # The interface language the asker used: their answer e-mail is written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "asked"), auto_now_add=True)
    answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    # Set once, when the "you have an answer" e-mail went (academy.mail.send_once's mark_sent).
    asker_notified_at = models.DateTimeField(_("asker e-mailed"), null=True, blank=True)
    vote_count = models.PositiveIntegerField(_("“me too” votes"), default=0)
    report_count = models.PositiveIntegerField(_("reports"), default=0)

    class Meta:
        ordering = ["-vote_count", "-created_at"]
        verbose_name = _("learner question")
        verbose_name_plural = _("learner questions")
        permissions = [("moderate_question", _("Can answer and moderate learners' questions"))]
        indexes = [
            models.Index(fields=["page", "status", "-vote_count"], name="question_page_listing"),
            models.Index(fields=["status", "answered_at"], name="question_unanswered"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        url = self.page.get_url() if self.page_id else ""
        return f"{url}#question-{self.pk}" if url else ""

    @property
    def is_searchable(self) -> bool:
        """academy.search indexes a question once it is answered and while it is published."""
        return (
            self.status == self.Status.PUBLISHED and self.answered_at is not None and self.page.live
        )

    @property
    def answers_text(self) -> str:
        """The answers' words, indexed with the question (academy.search)."""
        return "\n".join(answer.body for answer in self.answers.all())

    @property
    def report_reasons(self) -> str:
        """What readers said when they reported it (the admin's inspect view)."""
        return "\n".join(r.reason for r in self.reports.all() if r.reason)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Answer(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.CASCADE,
        related_name="course_answers",
    )
    body = models.TextField(pgettext_lazy("question", "answer"), max_length=ANSWER_MAX)
    # Whether the author answered as a certified lecturer (counts toward renewal) or as staff.
    by_lecturer = models.BooleanField(_("answered as lecturer"), default=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "answered"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(accepted_at__isnull=False),
                name="answer_one_accepted_per_question",
            )
        ]

    def __str__(self):
        return f"{self.question_id} · {self.author_id}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class QuestionVote(models.Model):
    """A reader saying "me too"; a second click takes it back."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("“me too” vote")
        verbose_name_plural = _("“me too” votes")
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="question_vote_once")
        ]

    def __str__(self):
        return f"{self.question_id} · {self.user_id}"


class QuestionReport(models.Model):
    """A reader telling staff a question (or its answers) needs a look."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_reports"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question report")
        verbose_name_plural = _("question reports")
        constraints = [
            models.UniqueConstraint(fields=["question", "reporter"], name="question_report_once")
        ]

    def __str__(self):
        return f"{self.question_id} · {self.reporter_id}"
