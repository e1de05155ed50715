"""Exam rules: start, answer, submit, grade, and the one question other code asks (`exam_pass`).

Invariants and the locks that keep them:
- one attempt in progress per candidate and exam, and never more attempts than allowed: `start`
  locks the candidate's user row first, so two starts by the same person run one after the other;
  the partial unique constraint `one_attempt_in_progress` backs it up in the database.
- an attempt is graded once: `submit` locks the attempt row (SELECT … FOR UPDATE OF the attempt
  only) and does nothing when it is no longer in progress, so a second or concurrent submit
  returns the result of the first.
- answers count only before the deadline: `save_answers` takes the same attempt lock and checks
  the server's deadline; past it, the attempt is closed and the answer refused.

On SQLite the settings open write transactions with BEGIN IMMEDIATE, which serialises them the
same way. Every function issues a fixed number of queries whatever the number of questions
(bulk_create / bulk_update), pinned by tests/certification/test_exam_queries.py.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy import batches
from academy.errors import ActionRefused

from ..models import REVIEW_ORDER, Attempt, Exam, ExamOverride, Question, Response
from .grading import grade_response_points

State = Attempt.State
Kind = Question.Kind


def deadline_grace() -> timedelta:
    """How long after the deadline a posted answer still counts: the page's own countdown
    submits at zero, and the request needs a moment to arrive (EXAM_DEADLINE_GRACE_SECONDS, read
    on every call so a settings override applies)."""
    return timedelta(seconds=getattr(settings, "EXAM_DEADLINE_GRACE_SECONDS", 5))


# --- Errors ------------------------------------------------------------------------------------


class ExamError(ActionRefused):
    """An exam rule said no (not open, out of attempts, time is up…)."""

    default_message = gettext_lazy("This is not possible for this exam.")


class ExamNotOpen(ExamError):
    status = 403


class NoAttemptsLeft(ExamError):
    status = 403


class AttemptClosed(ExamError):
    """The attempt is no longer in progress (submitted, or its deadline passed)."""

    status = 409


class InvalidAnswer(ExamError):
    status = 400


class GradingError(ExamError):
    status = 400


# --- Reading the rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamPass:
    attempt_id: int
    score: Decimal
    passed_at: datetime


def exam_pass(user, exam: Exam | int) -> ExamPass | None:
    """Whether `user` has passed `exam` (score, when), else None.

    With grading method "highest", the best passing attempt counts; with "last", only the latest
    graded attempt does, so a later fail takes the pass away.
    """
    exam_id = exam if isinstance(exam, int) else exam.pk
    method = (
        exam.grading_method
        if isinstance(exam, Exam)
        else Exam.objects.filter(pk=exam_id).values_list("grading_method", flat=True).first()
    )
    graded = Attempt.objects.filter(user=user, exam_id=exam_id, state=State.GRADED)
    if method == Exam.GradingMethod.LAST:
        attempt = graded.order_by("-graded_at", "-pk").only("pk", "score", "graded_at", "passed")
        attempt = attempt.first()
        if attempt is None or not attempt.passed:
            return None
    else:
        attempt = (
            graded.filter(passed=True)
            .order_by("-score", "graded_at")
            .only("pk", "score", "graded_at")
            .first()
        )
        if attempt is None:
            return None
    return ExamPass(attempt_id=attempt.pk, score=attempt.score, passed_at=attempt.graded_at)


def override_for(user, exam: Exam) -> ExamOverride | None:
    return ExamOverride.objects.filter(user=user, exam=exam).first()


@dataclass
class Eligibility:
    """What the exam page tells a candidate before they start."""

    attempts_used: int
    attempts_allowed: int | None  # None: unlimited
    in_progress: Attempt | None
    override: ExamOverride | None
    next_start: datetime | None  # when the wait between attempts ends, if it has not
    reason: str  # empty when the candidate may start now

    @property
    def may_start(self) -> bool:
        return not self.reason

    @property
    def attempts_left(self) -> int | None:
        if self.attempts_allowed is None:
            return None
        return max(self.attempts_allowed - self.attempts_used, 0)


def eligibility(user, exam: Exam, now: datetime | None = None) -> Eligibility:
    """Whether `user` may start (or resume) `exam` now, and if not, why."""
    now = now or timezone.now()
    stats = Attempt.objects.filter(user=user, exam=exam).aggregate(
        used=Count("pk"), last=Max("started_at")
    )
    in_progress = Attempt.objects.filter(user=user, exam=exam, state=State.IN_PROGRESS).first()
    override = override_for(user, exam)
    allowed = None
    if exam.max_attempts:
        allowed = exam.max_attempts + (override.extra_attempts if override else 0)
    next_start = None
    if exam.wait_hours and stats["last"]:
        last_end = (
            Attempt.objects.filter(user=user, exam=exam)
            .order_by("-started_at")
            .values_list("submitted_at", "started_at")
            .first()
        )
        ended = last_end[0] or last_end[1]
        candidate = ended + timedelta(hours=exam.wait_hours)
        if candidate > now:
            next_start = candidate
    reason = ""
    if in_progress is None:
        if not exam.is_open(now):
            reason = _("This exam is not open.")
        elif allowed is not None and stats["used"] >= allowed:
            reason = _("You have used all %(count)d attempts for this exam.") % {"count": allowed}
        elif next_start is not None:
            reason = _("You can start your next attempt from %(when)s.") % {
                "when": date_format(timezone.localtime(next_start), "DATETIME_FORMAT")
            }
    return Eligibility(stats["used"], allowed, in_progress, override, next_start, reason)


def review_level(attempt: Attempt, now: datetime | None = None) -> str:
    """How much of a finished attempt its candidate may see now (a Review value, or "" if none)."""
    if attempt.state == State.IN_PROGRESS:
        return ""
    exam = attempt.exam
    level = exam.review_after_submit
    if exam.is_closed(now):
        # Closing the exam never shows less than was shown before.
        level = max(level, exam.review_after_close, key=REVIEW_ORDER.index)
    return level


def shows(level: str, wanted: str) -> bool:
    return bool(level) and REVIEW_ORDER.index(level) >= REVIEW_ORDER.index(wanted)


# --- Starting ------------------------------------------------------------------------------------


def _draw(exam: Exam, rng: random.Random) -> list[Question]:
    """The questions of a new attempt: each pool's count drawn at random, no question twice.

    One id query per pool, then one query for the drawn questions and one for their choices, so a
    bank of 1,000 questions costs the same queries as a bank of 20.
    """
    chosen: list[int] = []
    for pool in exam.pools.all():
        ids = Question.objects.filter(
            bank_id=pool.bank_id, status=Question.Status.ACTIVE
        ).order_by()
        if pool.topic:
            ids = ids.filter(topic=pool.topic)
        taken = set(chosen)
        available = [pk for pk in ids.values_list("pk", flat=True) if pk not in taken]
        if len(available) < pool.count:
            raise ExamNotOpen(
                _("This exam cannot start: its question pools do not hold enough questions.")
            )
        chosen.extend(rng.sample(available, pool.count))
    by_id = Question.objects.prefetch_related("choices").in_bulk(chosen)
    questions = [by_id[pk] for pk in chosen]
    if exam.shuffle_questions:
        rng.shuffle(questions)
    return questions


def _snapshot(attempt: Attempt, position: int, question: Question, rng, shuffle: bool) -> Response:
    choices = list(question.choices.all()) if question.kind in Question.CHOICE_KINDS else []
    if shuffle and question.kind != Kind.TRUE_FALSE:
        rng.shuffle(choices)
    # Random keys, so a key says nothing about which stored choice it is.
    keyed = [(secrets.token_hex(4), choice) for choice in choices]
    return Response(
        attempt=attempt,
        position=position,
        question=question,
        kind=question.kind,
        scoring=question.scoring,
        text=question.text,
        choices=[{"key": key, "text": choice.text} for key, choice in keyed],
        correct_keys=[key for key, choice in keyed if choice.is_correct],
        explanation=question.explanation,
        model_answer=question.model_answer,
        points=question.points,
    )


def start(user, exam: Exam, *, seed: int | None = None) -> tuple[Attempt, bool]:
    """Start an attempt, or return the one in progress. Returns (attempt, created)."""
    now = timezone.now()
    with transaction.atomic():
        # The candidate's row is the lock: their starts of any exam run one at a time, so the
        # count of attempts and the "one in progress" check cannot race.
        get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        rules = eligibility(user, exam, now)
        if rules.in_progress is not None:
            return rules.in_progress, False
        if not rules.may_start:
            raise (NoAttemptsLeft if rules.attempts_left == 0 else ExamNotOpen)(rules.reason)
        rng = random.Random(seed)
        questions = _draw(exam, rng)
        deadline = None
        if exam.time_limit_minutes:
            extra = rules.override.extra_minutes if rules.override else 0
            deadline = now + timedelta(minutes=exam.time_limit_minutes + extra)
        if exam.closes_at and (deadline is None or deadline > exam.closes_at):
            deadline = exam.closes_at
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(
                    exam=exam,
                    user=user,
                    started_at=now,
                    number=rules.attempts_used + 1,
                    deadline=deadline,
                    pass_mark=exam.pass_mark,
                    points_possible=sum((q.points for q in questions), Decimal(0)),
                )
        except IntegrityError:
            # Another request started it in between (only possible without the row lock).
            return Attempt.objects.get(user=user, exam=exam, state=State.IN_PROGRESS), False
        Response.objects.bulk_create(
            [_snapshot(attempt, i, q, rng, exam.shuffle_choices) for i, q in enumerate(questions)]
        )
    return attempt, True


# --- Answering ---------------------------------------------------------------------------------


def _lock_attempt(attempt_id: int, user=None) -> Attempt:
    # The attempt row guards "graded once" and "no answer after the deadline"; OF self keeps the
    # exam row (joined for its settings) unlocked for other candidates.
    qs = Attempt.objects.select_for_update(of=("self",)).select_related("exam")
    if user is not None:
        qs = qs.filter(user=user)
    return qs.get(pk=attempt_id)


def is_past_deadline(
    attempt: Attempt, now: datetime | None = None, *, grace: timedelta | None = None
) -> bool:
    """Whether answers are no longer accepted. Posts get `deadline_grace()` for the time they spend on
    the network; pages opened at the deadline itself (grace=0) close the attempt."""
    now = now or timezone.now()
    allowance = deadline_grace() if grace is None else grace
    return attempt.deadline is not None and now > attempt.deadline + allowance


def _clean_answer(response: Response, value) -> tuple[list[str], str]:
    """(selected keys, text) from what the form posted; InvalidAnswer when it makes no sense."""
    if response.kind == Kind.SHORT:
        if isinstance(value, list | tuple):
            value = value[0] if len(value) == 1 else ""
        text = value if isinstance(value, str) else ""
        if len(text) > 5000:
            raise InvalidAnswer(_("Your answer is too long (5,000 characters at most)."))
        return [], text.strip()
    keys = [value] if isinstance(value, str) else list(value or [])
    keys = [k for k in keys if k]
    valid = {c["key"] for c in response.choices}
    if any(k not in valid for k in keys):
        raise InvalidAnswer(_("That choice is not part of this question."))
    if response.kind != Kind.MULTIPLE and len(keys) > 1:
        raise InvalidAnswer(_("Choose one answer only."))
    order = [c["key"] for c in response.choices]
    return sorted(set(keys), key=order.index), ""


def save_answers(
    attempt_id: int, user, answers: dict[int, object], flagged: set[int] | None = None
) -> Attempt:
    """Store answers {position: keys or text} of an attempt in progress, in one write, and,
    when `flagged` is given, which of those questions the candidate flagged for review.

    Past the deadline the attempt is submitted as it stands and AttemptClosed is raised, so the
    late answer is refused with a message while nothing already saved is lost.
    """
    now = timezone.now()
    with transaction.atomic():
        attempt = _lock_attempt(attempt_id, user)
        if attempt.state != State.IN_PROGRESS:
            raise AttemptClosed(_("This attempt has already been submitted."))
        late = is_past_deadline(attempt, now)
        if late:
            # Close it for good (committed), then refuse the answer outside the transaction.
            _finish(attempt, now, auto=True)
        else:
            _store(attempt, answers, now, flagged)
    if late:
        raise AttemptClosed(
            _(
                "Time is up: answers given after the deadline are not accepted. Your attempt was submitted with the answers saved before it."
            )
        )
    return attempt


def _store(
    attempt: Attempt, answers: dict[int, object], now: datetime, flagged: set[int] | None
) -> None:
    responses = {
        r.position: r for r in Response.objects.filter(attempt=attempt, position__in=list(answers))
    }
    if len(responses) != len(answers):
        raise InvalidAnswer(_("That question is not part of this attempt."))
    changed = []
    for position, value in answers.items():
        response = responses[position]
        response.selected, response.text_answer = _clean_answer(response, value)
        response.answered_at = now
        if flagged is not None:
            response.flagged = position in flagged
        changed.append(response)
    Response.objects.bulk_update(changed, ["selected", "text_answer", "answered_at", "flagged"])


# --- Submitting and grading ----------------------------------------------------------------------


def _percent(scored: Decimal, possible: Decimal) -> Decimal:
    if not possible:
        return Decimal("0.00")
    return (scored * 100 / possible).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _finalise(attempt: Attempt, responses: list[Response], now: datetime) -> None:
    """Score and pass/fail from graded responses. A pass starts the exam → certificate path,
    four hops, each a direct call you can follow:

    1. here, inside the grading transaction: issuing.check_programmes_later(candidate) records
       the re-check in the outbox, so it commits with the grade or not at all, and runs after
       the commit as the task certification.tasks.check_programmes;
    2. issuing.check_programmes(holder): every active programme, evaluated once each;
    3. programmes.programme_progress(holder, programme): the requirements, this pass among them;
    4. issuing.issue_certificate(holder, programme, progress=…): the record under the holder's
       lock, then publish() draws the PDF and signing.sign_pdf signs it; the e-mail is its own
       task (email_certificate).
    """
    from .issuing import check_programmes_later

    attempt.points_scored = sum((r.points_awarded or Decimal(0) for r in responses), Decimal(0))
    attempt.score = _percent(attempt.points_scored, attempt.points_possible)
    attempt.passed = attempt.score >= attempt.pass_mark
    attempt.state = State.GRADED
    attempt.graded_at = now
    if attempt.passed:
        check_programmes_later(attempt.user_id)


def _finish(attempt: Attempt, now: datetime, *, auto: bool = False) -> Attempt:
    """Grade what the server can grade; short answers wait for an officer. Attempt is locked."""
    responses = list(Response.objects.filter(attempt=attempt))
    for response in responses:
        if response.kind != Kind.SHORT:
            response.points_awarded = grade_response_points(response)
            response.graded_at = now
        elif not response.text_answer:
            # Nothing to read: an empty short answer scores zero without an officer.
            response.points_awarded = Decimal(0)
            response.graded_at = now
    Response.objects.bulk_update(responses, ["points_awarded", "graded_at"])
    attempt.submitted_at = now
    attempt.auto_submitted = auto
    if any(r.points_awarded is None for r in responses):
        attempt.state = State.SUBMITTED
    else:
        _finalise(attempt, responses, now)
    attempt.save(
        update_fields=[
            "state",
            "submitted_at",
            "auto_submitted",
            "graded_at",
            "points_scored",
            "score",
            "passed",
        ]
    )
    return attempt


def submit(attempt_id: int, user=None) -> Attempt:
    """Submit an attempt exactly once; a repeated or concurrent submit returns the same attempt."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _lock_attempt(attempt_id, user)
        if attempt.state != State.IN_PROGRESS:
            return attempt
        # Past the deadline it counts as the automatic submission the deadline made.
        late = is_past_deadline(attempt, now, grace=timedelta(0))
        return _finish(attempt, now, auto=late)


def close_overdue_attempts(now: datetime | None = None) -> int:
    """Submit attempts left in progress past their deadline (the candidate went away)."""
    now = now or timezone.now()
    ids = list(
        Attempt.objects.filter(
            state=State.IN_PROGRESS, deadline__lt=now - deadline_grace()
        ).values_list("pk", flat=True)
    )

    def close(attempt_id: int) -> bool:
        with transaction.atomic():
            attempt = _lock_attempt(attempt_id)
            if attempt.state != State.IN_PROGRESS:
                return False
            _finish(attempt, now, auto=True)
            return True

    return batches.run(ids, close, job="close overdue attempts").done


def grade_short_answer(response_id: int, *, points: Decimal, by, feedback: str = "") -> Attempt:
    """An officer's grade for one short answer; the attempt is finalised when none is left.

    Final once graded: a response or attempt already graded is not graded again.
    """
    now = timezone.now()
    with transaction.atomic():
        attempt_id = Response.objects.values_list("attempt_id", flat=True).get(pk=response_id)
        attempt = _lock_attempt(attempt_id)
        if attempt.state != State.SUBMITTED:
            raise GradingError(_("This attempt is not waiting for grading."))
        responses = list(Response.objects.filter(attempt=attempt))
        response = next(r for r in responses if r.pk == response_id)
        if response.kind != Kind.SHORT or response.points_awarded is not None:
            raise GradingError(_("This answer has already been graded."))
        if points is None or points < 0 or points > response.points:
            raise GradingError(
                _("Give between 0 and %(max)s points.") % {"max": response.points.normalize()}
            )
        response.points_awarded = points
        response.feedback = feedback
        response.graded_by = by
        response.graded_at = now
        response.save(update_fields=["points_awarded", "feedback", "graded_by", "graded_at"])
        if all(r.points_awarded is not None for r in responses):
            _finalise(attempt, responses, now)
            attempt.save(update_fields=["state", "graded_at", "points_scored", "score", "passed"])
    return attempt


def grading_queue():
    """Short answers waiting for an officer, oldest submission first."""
    return (
        Response.objects.filter(
            kind=Kind.SHORT, points_awarded__isnull=True, attempt__state=State.SUBMITTED
        )
        .select_related("attempt__exam", "attempt__user")
        .order_by("attempt__submitted_at", "attempt_id", "position")
    )


# --- Feedback ------------------------------------------------------------------------------------


@dataclass
class TopicResult:
    topic: str
    questions: int
    percent: Decimal
    weak: bool  # below the exam's pass mark: the topic to revise first


def topic_results(attempt: Attempt) -> list[TopicResult]:
    """A graded attempt's score per question topic, weakest first: what to revise, without
    saying which answers were wrong (the review level decides that). One query."""
    if attempt.state != State.GRADED:
        return []
    rows = (
        Response.objects.filter(attempt=attempt)
        .values("question__topic")
        .annotate(questions=Count("pk"), possible=Sum("points"), scored=Sum("points_awarded"))
        .order_by()
    )
    results = []
    for row in rows:
        percent = _percent(row["scored"] or Decimal(0), row["possible"] or Decimal(0))
        topic = row["question__topic"] or ""
        results.append(TopicResult(topic, row["questions"], percent, percent < attempt.pass_mark))
    # Questions without a topic say nothing about a topic: listed last, only beside others.
    return sorted(results, key=lambda r: (r.topic == "", r.percent, r.topic))
