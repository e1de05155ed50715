"""Live Q&A at an event (極速問答): questions attendees send from their phones, their votes, and
the board's open/closed state.

The switch that gives an event a board is EventPage.live_qa (set by editors in the admin); what
happens on the board goes through events/live_qa.py. The constraints here are what the database
itself can hold: one vote per person per question.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .pages import EventPage

QUESTION_MAX_LENGTH = 300
ANSWER_MAX_LENGTH = 1000


class LiveQaBoard(models.Model):
    """The board's state, once staff have closed it (no row: open while the event lasts)."""

    event = models.OneToOneField(
        EventPage,
        verbose_name=_("event"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="live_qa_board",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("live Q&A board")
        verbose_name_plural = _("live Q&A boards")

    def __str__(self):
        return str(self.event)


class LiveQuestion(models.Model):
    """One question sent to an event's board by an attendee with a confirmed seat."""

    event = models.ForeignKey(
        EventPage,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="live_questions",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="live_questions",
    )
    text = models.CharField(_("question"), max_length=QUESTION_MAX_LENGTH)
    anonymous = models.BooleanField(
        pgettext_lazy("a live question", "anonymous"),
        default=False,
        help_text=_("The asker's name is shown to nobody."),
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_at = models.DateTimeField(
        pgettext_lazy("a live question", "hidden"), null=True, blank=True
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("live question")
        verbose_name_plural = _("live questions")
        indexes = [models.Index(fields=["event", "created_at"], name="livequestion_event_time")]

    def __str__(self):
        return self.text[:60]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def shown_name(self) -> str:
        """The name readers see: the display name the asker chose, never their e-mail address;
        empty (shown as anonymous) when they asked anonymously or have no display name."""
        if self.anonymous:
            return ""
        return self.author.display_name


class LiveQuestionVote(models.Model):
    """An attendee's "me too" on someone else's question: one per person per question."""

    question = models.ForeignKey(
        LiveQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="live_question_votes",
    )
    created_at = models.DateTimeField(
        pgettext_lazy("a live question", "voted"), default=timezone.now
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("vote on a live question")
        verbose_name_plural = _("votes on live questions")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "user"], name="livequestionvote_one_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user_id} → {self.question_id}"
