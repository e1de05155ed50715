"""Live Q&A at an event (極速問答): every change to a board goes through here.

Attendees with a confirmed seat ask and vote while the board is open (from when the event is
published until it ends, unless staff close it earlier); event staff answer, hide and show
questions, and close or reopen the board. Reading the board is in live_qa_selectors.py.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.errors import AcademyError

from .models import EventPage, LiveQaBoard, LiveQuestion, LiveQuestionVote, Registration


class LiveQaError(AcademyError):
    """The board refused: the message says why, in the reader's words."""

    status = 409


class NotAnAttendee(LiveQaError):
    status = 403
    default_message = _("Only attendees with a confirmed seat can ask and vote here.")


class BoardClosed(LiveQaError):
    default_message = _("The Q&A board is closed: it takes no more questions or votes.")


class OwnQuestion(LiveQaError):
    default_message = _("You cannot vote for your own question.")


class QuestionHidden(LiveQaError):
    default_message = _("This question was hidden by the event staff.")


def is_attendee(user, event: EventPage) -> bool:
    """Whether `user` holds a confirmed seat at `event`: only they ask and vote."""
    return bool(
        user.is_authenticated
        and Registration.objects.filter(
            event_id=event.pk, user_id=user.pk, status=Registration.Status.CONFIRMED
        ).exists()
    )


def is_open(event: EventPage, now=None) -> bool:
    """Whether the board takes questions and votes now."""
    if not event.live_qa or event.is_cancelled or event.has_ended(now):
        return False
    return not LiveQaBoard.objects.filter(event_id=event.pk, closed_at__isnull=False).exists()


def _check_may_take_part(user, event: EventPage) -> None:
    if not event.live_qa:
        raise LiveQaError(_("This event has no Q&A board."), status=404)
    if not is_attendee(user, event):
        raise NotAnAttendee()
    if not is_open(event):
        raise BoardClosed()


def ask(user, event: EventPage, text: str, *, anonymous: bool = False) -> LiveQuestion:
    """Put an attendee's question on the board.

    Sending the same words twice (a double tap on a slow connection) gives back the first."""
    _check_may_take_part(user, event)
    text = " ".join(text.split())
    with transaction.atomic():
        existing = LiveQuestion.objects.filter(
            event_id=event.pk, author_id=user.pk, text=text, hidden_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        return LiveQuestion.objects.create(event=event, author=user, text=text, anonymous=anonymous)


def vote(user, question: LiveQuestion) -> bool:
    """Add the attendee's "me too" to someone else's question; False if they had already.

    The unique constraint (one vote per person per question) holds against two taps at once:
    get_or_create catches the second insert's IntegrityError and reads the first vote."""
    event = question.event
    _check_may_take_part(user, event)
    if question.author_id == user.pk:
        raise OwnQuestion()
    if question.is_hidden:
        raise QuestionHidden()
    with transaction.atomic():
        _, created = LiveQuestionVote.objects.get_or_create(question=question, user=user)
    return created


def answer(question: LiveQuestion, text: str, *, by) -> LiveQuestion:
    """Mark the question answered with a short answer (staff). Answering again edits the text
    and keeps the first answer time, the one the session heard it."""
    with transaction.atomic():
        # The lock keeps two staff answering at once from overwriting each other's text halfway.
        question = LiveQuestion.objects.select_for_update().get(pk=question.pk)
        if question.is_hidden:
            raise LiveQaError(_("Show the question again before answering it."))
        question.answer = text.strip()
        question.answered_at = question.answered_at or timezone.now()
        question.answered_by = by
        question.save(update_fields=["answer", "answered_at", "answered_by"])
    return question


def hide(question: LiveQuestion, *, by) -> LiveQuestion:
    """Take an abusive or off-topic question off the board, the projector and the event page."""
    with transaction.atomic():
        question = LiveQuestion.objects.select_for_update().get(pk=question.pk)
        if question.hidden_at is None:
            question.hidden_at = timezone.now()
            question.hidden_by = by
            question.save(update_fields=["hidden_at", "hidden_by"])
    return question


def unhide(question: LiveQuestion, *, by) -> LiveQuestion:
    """Put back a question hidden by mistake."""
    with transaction.atomic():
        question = LiveQuestion.objects.select_for_update().get(pk=question.pk)
        if question.hidden_at is not None:
            question.hidden_at = None
            question.hidden_by = None
            question.save(update_fields=["hidden_at", "hidden_by"])
    return question


def close_board(event: EventPage, *, by) -> LiveQaBoard:
    """Stop taking questions and votes before the event ends (staff)."""
    with transaction.atomic():
        board, _created = LiveQaBoard.objects.select_for_update().get_or_create(event=event)
        if board.closed_at is None:
            board.closed_at = timezone.now()
            board.closed_by = by
            board.save(update_fields=["closed_at", "closed_by"])
    return board


def reopen_board(event: EventPage, *, by) -> LiveQaBoard:
    """Take questions again (until the event ends)."""
    if event.has_ended():
        raise BoardClosed(_("The event has ended: its board cannot be reopened."))
    with transaction.atomic():
        board, _created = LiveQaBoard.objects.select_for_update().get_or_create(event=event)
        if board.closed_at is not None:
            board.closed_at = None
            board.closed_by = by
            board.save(update_fields=["closed_at", "closed_by"])
    return board
