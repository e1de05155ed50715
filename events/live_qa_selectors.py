"""Reading an event's live Q&A board: the attendees' list, the projector, the published answers.

Each list is one query: vote counts are annotated, the asker's display name comes with
select_related, and whether the reader already voted is an Exists subquery.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from . import live_qa
from .models import EventPage, LiveQaBoard, LiveQuestion, LiveQuestionVote, Registration


def _questions(event: EventPage) -> QuerySet[LiveQuestion]:
    return (
        LiveQuestion.objects.filter(event_id=event.pk)
        .select_related("author")
        .annotate(vote_count=Count("votes", distinct=True))
    )


def _by_votes(questions: QuerySet[LiveQuestion]) -> QuerySet[LiveQuestion]:
    """Most votes first; among equals, the earlier question first."""
    return questions.order_by("-vote_count", "created_at", "pk")


def board_state(event: EventPage, now=None, *, board: LiveQaBoard | None = None) -> str:
    """ "open", "closed" (by staff), "ended" (the event is over) or "off" (no board).

    Pass the board row when it is already read (None for none) to save the query."""
    now = now or timezone.now()
    if not event.live_qa:
        return "off"
    if event.is_cancelled or event.has_ended(now):
        return "ended"
    if board is not None:
        return "closed" if board.closed_at else "open"
    return "open" if live_qa.is_open(event, now) else "closed"


def board_context(event: EventPage, user, *, is_attendee: bool | None = None) -> dict:
    """The attendees' board on a phone: every visible question, with the reader's own votes."""
    voted = LiveQuestionVote.objects.filter(question=OuterRef("pk"), user_id=user.pk)
    questions = list(
        _by_votes(_questions(event).filter(hidden_at__isnull=True).annotate(voted=Exists(voted)))
    )
    return {
        "state": board_state(event),
        "questions": questions,
        "is_attendee": live_qa.is_attendee(user, event) if is_attendee is None else is_attendee,
    }


def screen_context(event: EventPage) -> dict:
    """The projector: open questions by votes, then the answered ones, latest answer first."""
    questions = list(_by_votes(_questions(event)))
    board = LiveQaBoard.objects.filter(event_id=event.pk).first() or LiveQaBoard(event=event)
    return {
        "state": board_state(event, board=board),
        "board": board,
        "waiting": [q for q in questions if not q.is_hidden and not q.is_answered],
        "answered": sorted(
            (q for q in questions if not q.is_hidden and q.is_answered),
            key=lambda q: q.answered_at,
            reverse=True,
        ),
        "hidden_count": sum(1 for q in questions if q.is_hidden),
        "attendee_count": Registration.objects.filter(
            event_id=event.pk, status=Registration.Status.CONFIRMED
        ).count(),
    }


def hidden_questions(event: EventPage) -> list[LiveQuestion]:
    return list(_questions(event).filter(hidden_at__isnull=False).order_by("-hidden_at", "pk"))


def question_on_board(event: EventPage, pk: int) -> LiveQuestion | None:
    """Question `pk` if it belongs to `event`'s board; any other is None (a 404)."""
    return (
        LiveQuestion.objects.select_related("author", "event")
        .filter(pk=pk, event_id=event.pk)
        .annotate(vote_count=Count("votes", distinct=True))
        .first()
    )


def published(event: EventPage, now=None) -> list[LiveQuestion]:
    """What the event page shows once the event has ended: the answered questions, not hidden,
    by votes. Nothing before the end: answers typed in the room are for the room until then."""
    if not event.live_qa or not event.has_ended(now):
        return []
    return list(
        _by_votes(_questions(event).filter(answered_at__isnull=False, hidden_at__isnull=True))
    )


def event_page_context(event: EventPage, context: dict) -> dict:
    """What the event page adds for a board: the way in for attendees, the published answers."""
    registration = context.get("registration")
    is_attendee = bool(registration and registration.status == Registration.Status.CONFIRMED)
    ended = event.has_ended(context.get("now"))
    return {
        "live_qa_open_to_me": is_attendee and not ended and not event.is_cancelled,
        "live_qa_published": published(event, context.get("now")) if ended else [],
        "live_qa_ended": ended,
    }
