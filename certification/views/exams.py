"""Taking an exam: list, exam page, start, answer, submit, result.

Thin: each view finds the candidate's own object (another candidate's attempt is a 404), calls a
service and renders. A rule that says no (services.ExamError) is shown as a message with its 4xx
status. Answer posts work as plain form posts; the page's script sends the same posts in the
background and reads the JSON answer instead.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.params import parse_int

from ..models import Attempt, Exam, Response, Review
from ..services import exams as services
from ..services.exams import shows


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _own_attempt(request, attempt_id: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("exam"), pk=attempt_id, user=request.user
    )


def _published(slug: str) -> Exam:
    return get_object_or_404(Exam.objects.prefetch_related("pools"), slug=slug, published=True)


@require_GET
def exam_list(request):
    exams = list(Exam.objects.filter(published=True).prefetch_related("pools").order_by("title"))
    mine = {}
    if request.user.is_authenticated:
        for attempt in Attempt.objects.filter(user=request.user).order_by("started_at"):
            mine[attempt.exam_id] = attempt
    rows = [(exam, mine.get(exam.pk)) for exam in exams]
    return render(request, "certification/exams/list.html", {"rows": rows})


@require_GET
def exam_detail(request, slug: str):
    exam = _published(slug)
    context = {"exam": exam}
    if request.user.is_authenticated:
        context["rules"] = services.eligibility(request.user, exam)
        context["attempts"] = list(
            Attempt.objects.filter(user=request.user, exam=exam).order_by("-started_at")
        )
        context["best"] = services.exam_pass(request.user, exam)
    return render(request, "certification/exams/detail.html", context)


@login_required
@require_POST
def start(request, slug: str):
    exam = _published(slug)
    try:
        attempt, created = services.start(request.user, exam)
    except services.ExamError as error:
        messages.error(request, error.message)
        context = {
            "exam": exam,
            "rules": services.eligibility(request.user, exam),
            "attempts": list(
                Attempt.objects.filter(user=request.user, exam=exam).order_by("-started_at")
            ),
        }
        return render(request, "certification/exams/detail.html", context, status=error.status)
    if not created:
        messages.info(request, _("You have an attempt in progress: carry on where you left off."))
    return HttpResponseRedirect(reverse("exams:attempt", args=[attempt.pk]))


# Positions and page numbers of an exam are small: anything larger is junk, and refusing it
# keeps 10**30 away from the database (an overflow there is a 500).
MAX_POSITION = 9999


def _small_number(raw: str) -> int | None:
    """`raw` as a position or page number (0–9999), else None."""
    return parse_int(raw, minimum=0, maximum=MAX_POSITION)


def _page_number(request, total: int) -> int:
    number = _small_number(request.GET.get("q") or request.POST.get("q") or "") or 1
    return min(max(number, 1), max(total, 1))


def _countdown(left: timedelta | None) -> dict:
    if left is None:
        return {"seconds_left": None}
    seconds = int(left.total_seconds())
    return {"seconds_left": seconds, "time_left": f"{seconds // 60}:{seconds % 60:02d}"}


def _closed_redirect(attempt: Attempt):
    return HttpResponseRedirect(reverse("exams:result", args=[attempt.pk]))


@never_cache
@login_required
@require_GET
def attempt_page(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return _closed_redirect(attempt)
    if services.is_past_deadline(attempt, grace=timedelta(0)):
        services.submit(attempt.pk, request.user)
        messages.warning(request, _("Time is up: your attempt was submitted automatically."))
        return _closed_redirect(attempt)
    responses = list(Response.objects.filter(attempt=attempt).order_by("position"))
    one_per_page = attempt.exam.layout == attempt.exam.Layout.ONE_PER_PAGE
    number = _page_number(request, len(responses))
    shown = [responses[number - 1]] if one_per_page and responses else responses
    left = attempt.time_left()
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "responses": responses,
        "shown": shown,
        "one_per_page": one_per_page,
        "number": number,
        "total": len(responses),
        "answered": sum(1 for r in responses if r.answered),
        **_countdown(left),
    }
    return render(request, "certification/exams/attempt.html", context)


def _posted_answers(request) -> dict[int, list[str]]:
    """{position: values} for every question the form showed; an unticked box posts nothing, so
    it clears the answer. The service reads the values by the question's type."""
    answers = {}
    for raw in request.POST.getlist("positions"):
        position = _small_number(raw)
        if position is None:
            raise services.InvalidAnswer(_("That question is not part of this attempt."))
        answers[position] = request.POST.getlist(f"q{position}")
    return answers


def _destination(request) -> str | int:
    """Where the button said to go: "finish", a page number, or "" (stay and confirm)."""
    go = request.POST.get("go", "")
    if go in ("", "finish"):
        return go
    number = _small_number(go)
    if number is None:
        raise services.InvalidAnswer(_("That page is not part of this attempt."))
    return number


@never_cache
@login_required
@require_POST
def answer(request, attempt_id: int):
    """Save the answers the page posted, then go where the button said (or answer JSON).

    The hot path of an exam (every autosave): the service's locked read of the attempt is also
    the ownership check, so a stranger's attempt is a 404 without a query of its own.
    """
    try:
        go = _destination(request)
        answers = _posted_answers(request)
        # A flag box that is not ticked posts nothing: every question shown is (un)flagged.
        flagged = {p for p in answers if request.POST.get(f"flag{p}")}
        services.save_answers(attempt_id, request.user, answers, flagged)
    except Attempt.DoesNotExist as missing:
        raise Http404 from missing
    except services.ExamError as error:
        if _wants_json(request):
            return JsonResponse({"saved": False, "error": str(error.message)}, status=error.status)
        return render(
            request,
            "certification/exams/refused.html",
            {
                "attempt": _own_attempt(request, attempt_id),
                "message": error.message,
                "closed": isinstance(error, services.AttemptClosed),
                "number": _page_number(request, 10_000),
            },
            status=error.status,
        )
    if _wants_json(request):
        return JsonResponse({"saved": True, "at": timezone.now().isoformat()})
    base = reverse("exams:attempt", args=[attempt_id])
    number = _page_number(request, 10_000)
    if go == "finish":
        return HttpResponseRedirect(reverse("exams:submit", args=[attempt_id]))
    if isinstance(go, int):
        number = go
    else:
        messages.success(request, _("Your answers are saved."))
    return HttpResponseRedirect(f"{base}?q={number}")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def submit(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if request.method == "POST":
        attempt = services.submit(attempt.pk, request.user)
        return _closed_redirect(attempt)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return _closed_redirect(attempt)
    responses = list(
        Response.objects.filter(attempt=attempt)
        .order_by("position")
        .only("position", "selected", "text_answer", "flagged")
    )
    left = attempt.time_left()
    return render(
        request,
        "certification/exams/submit.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "responses": responses,
            "unanswered": [r for r in responses if not r.answered],
            "flagged": [r for r in responses if r.flagged],
            "total": len(responses),
            **_countdown(left),
        },
    )


@never_cache
@login_required
@require_GET
def result(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.state == Attempt.State.IN_PROGRESS:
        if not services.is_past_deadline(attempt, grace=timedelta(0)):
            return HttpResponseRedirect(reverse("exams:attempt", args=[attempt.pk]))
        attempt = services.submit(attempt.pk, request.user)
    level = services.review_level(attempt)
    responses = []
    if shows(level, Review.ANSWERS):
        responses = list(Response.objects.filter(attempt=attempt).order_by("position"))
    return render(
        request,
        "certification/exams/result.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "level": level,
            "show_answers": shows(level, Review.ANSWERS),
            "show_correct": shows(level, Review.FULL),
            "responses": responses,
            "topics": services.topic_results(attempt),
        },
    )
