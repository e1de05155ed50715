"""The live Q&A board's routes (under an event page's qa/): parse input, call live_qa.py or
live_qa_selectors.py, answer.

Attendees use the board on their phones (qa/); event staff use the projector (qa/screen/, which
polls qa/screen/list/ for its list) and the answer and hidden-questions pages. A refusal
(live_qa.LiveQaError) is the board page again with the message and the error's 4xx status.
"""

from __future__ import annotations

from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from academy import ratelimits
from academy.site_url import absolute_url

from . import live_qa, live_qa_selectors, selectors
from .live_qa_forms import LiveAnswerForm, LiveQuestionForm
from .models import EventPage

RATE_LIMIT = "event_live_question"
# How often the projector asks for its list again (seconds).
SCREEN_REFRESH_SECONDS = 5


def _board_path(request) -> str:
    """The board's own path (…/<event>/qa/), from whichever of its routes answered, keeping the
    language prefix the page was opened under."""
    return request.path[: request.path.rindex("/qa/") + len("/qa/")]


def _qr_svg(url: str, label: str) -> SafeString:
    """A QR code of `url` as inline SVG (as events.checkin draws tickets' codes)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr-code lq-qr", lineclass=None
    )
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def _with_board(view):
    """404 for an event without a board; the board's routes exist only when it is switched on."""

    @wraps(view)
    def wrapper(request, event: EventPage, *args, **kwargs):
        if not event.live_qa:
            raise Http404
        return view(request, event, *args, **kwargs)

    return wrapper


def _event_staff_only(view):
    @wraps(view)
    def wrapper(request, event: EventPage, *args, **kwargs):
        if not selectors.can_check_in(request.user):
            return TemplateResponse(
                request, "events/forbidden.html", {"page": event, "self": event}, status=403
            )
        return view(request, event, *args, **kwargs)

    return wrapper


# --- Attendees ----------------------------------------------------------------------------------


def _render_board(
    request, event: EventPage, *, form=None, status: int = 200, refusal="", is_attendee=None
):
    context = {
        "page": event,
        "self": event,
        "event": event,
        "form": form or LiveQuestionForm(),
        "board_path": _board_path(request),
        "is_staff": selectors.can_check_in(request.user),
        "refusal": refusal,
        "max_length": LiveQuestionForm.base_fields["text"].max_length,
        **live_qa_selectors.board_context(event, request.user, is_attendee=is_attendee),
    }
    return TemplateResponse(request, "events/live_qa/board.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@_with_board
def board(request, event: EventPage):
    """The attendees' board: the question form and the questions so far, to vote for."""
    is_attendee = live_qa.is_attendee(request.user, event)
    if not is_attendee and not selectors.can_check_in(request.user):
        return _render_board(
            request,
            event,
            status=403,
            refusal=str(live_qa.NotAnAttendee.default_message),
            is_attendee=False,
        )
    if request.method != "POST":
        return _render_board(request, event, is_attendee=is_attendee)
    form = LiveQuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check your question."))
        return _render_board(request, event, form=form, status=400)
    if not ratelimits.consume(request, RATE_LIMIT):
        message = _("You have sent several questions in a short time. Wait a minute, then send it.")
        return _render_board(request, event, form=form, status=429, refusal=message)
    try:
        live_qa.ask(
            request.user,
            event,
            form.cleaned_data["text"],
            anonymous=form.cleaned_data["anonymous"],
        )
    except live_qa.LiveQaError as error:
        return _render_board(request, event, form=form, status=error.status, refusal=error.message)
    messages.success(request, _("Your question is on the board. Others can now vote for it."))
    return HttpResponseRedirect(_board_path(request) + "#questions")


@require_POST
@login_required
@_with_board
def vote(request, event: EventPage, pk: int):
    question = live_qa_selectors.question_on_board(event, pk)
    if question is None:
        raise Http404
    try:
        created = live_qa.vote(request.user, question)
    except live_qa.LiveQaError as error:
        return _render_board(request, event, status=error.status, refusal=error.message)
    if created:
        messages.success(request, _("Your vote is counted."))
    else:
        messages.info(request, _("You have already voted for this question."))
    return HttpResponseRedirect(_board_path(request) + f"#q-{question.pk}")


# --- Event staff --------------------------------------------------------------------------------


def _screen_context(request, event: EventPage) -> dict:
    board_path = _board_path(request)
    return {
        "page": event,
        "self": event,
        "event": event,
        "board_path": board_path,
        **live_qa_selectors.screen_context(event),
    }


@never_cache
@require_safe
@login_required
@_with_board
@_event_staff_only
def screen(request, event: EventPage):
    """The projector: large type, open questions by votes, refreshed every few seconds."""
    context = _screen_context(request, event)
    join_url = absolute_url(context["board_path"])
    context.update(
        join_url=join_url,
        join_qr=_qr_svg(join_url, _("QR code: open the Q&A board on your phone")),
        refresh_seconds=SCREEN_REFRESH_SECONDS,
    )
    return TemplateResponse(request, "events/live_qa/screen.html", context)


@never_cache
@require_safe
@login_required
@_with_board
@_event_staff_only
def screen_list(request, event: EventPage):
    """The projector's list alone, as an HTML fragment, for its script to poll."""
    return TemplateResponse(
        request, "events/live_qa/_screen_list.html", _screen_context(request, event)
    )


@never_cache
@require_safe
@login_required
@_with_board
@_event_staff_only
def hidden(request, event: EventPage):
    context = {
        "page": event,
        "self": event,
        "event": event,
        "board_path": _board_path(request),
        "questions": live_qa_selectors.hidden_questions(event),
    }
    return TemplateResponse(request, "events/live_qa/hidden.html", context)


@require_POST
@login_required
@_with_board
@_event_staff_only
def change_state(request, event: EventPage):
    """Close the board early, or reopen it (POST action=close|open)."""
    action = request.POST.get("action")
    try:
        if action == "close":
            live_qa.close_board(event, by=request.user)
            messages.success(request, _("The board is closed: no more questions or votes."))
        elif action == "open":
            live_qa.reopen_board(event, by=request.user)
            messages.success(request, _("The board is open again."))
        else:
            messages.error(request, _("Choose to open or close the board."))
            return TemplateResponse(
                request, "events/live_qa/screen.html", _screen_context(request, event), status=400
            )
    except live_qa.LiveQaError as error:
        messages.error(request, error.message)
        return TemplateResponse(
            request,
            "events/live_qa/screen.html",
            _screen_context(request, event),
            status=error.status,
        )
    return HttpResponseRedirect(_board_path(request) + "screen/")


def _staff_question(event: EventPage, pk: int):
    question = live_qa_selectors.question_on_board(event, pk)
    if question is None:
        raise Http404
    return question


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@_with_board
@_event_staff_only
def answer(request, event: EventPage, pk: int):
    """Mark a question answered with the gist of the speaker's answer (or edit it)."""
    question = _staff_question(event, pk)
    form = LiveAnswerForm(
        request.POST if request.method == "POST" else None,
        initial={"answer": question.answer},
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                live_qa.answer(question, form.cleaned_data["answer"], by=request.user)
            except live_qa.LiveQaError as error:
                messages.error(request, error.message)
                status = error.status
            else:
                messages.success(request, _("Marked as answered."))
                return HttpResponseRedirect(_board_path(request) + "screen/")
        else:
            status = 400
    context = {
        "page": event,
        "self": event,
        "event": event,
        "question": question,
        "form": form,
        "board_path": _board_path(request),
    }
    return TemplateResponse(request, "events/live_qa/answer.html", context, status=status)


@require_POST
@login_required
@_with_board
@_event_staff_only
def hide(request, event: EventPage, pk: int, *, hidden: bool):
    question = _staff_question(event, pk)
    if hidden:
        live_qa.hide(question, by=request.user)
        messages.success(request, _("The question is hidden from the board and the projector."))
        return HttpResponseRedirect(_board_path(request) + "screen/")
    live_qa.unhide(question, by=request.user)
    messages.success(request, _("The question is back on the board."))
    return HttpResponseRedirect(_board_path(request) + "hidden/")
