"""Item analysis of graded exam attempts: the one definition of each figure (issue 19).

Officers read it on an exam's statistics page; the exams report (growth/reports/exams.py) reads
the same figures for its hardest questions through `item_statistics`, so a question shows the
same facility and discrimination on both pages.

- facility index: the share of the attempts that answered the question fully correct (all its
  points), in per cent, one decimal (100 = everyone right). Partial credit counts as not
  correct: a multiple-choice question every candidate gets half right has a facility of 0, not
  50. "How many got it right" is what officers ask of a question, and it is the classical item
  difficulty p of test theory. (Until issue 19 the statistics page averaged the share of the
  points instead, and showed another figure than the report for partial-credit questions.)
- discrimination index: facility among the top 27 % of the attempts by total score minus
  facility among the bottom 27 % (Kelley's upper–lower index, from -1 to 1, two decimals),
  the groups taken per exam among the attempts analysed, ties by attempt order. A question the
  strong candidates miss as often as the weak ones (near 0 or below) does not tell them apart.
  None when there are fewer than two attempts or one group did not meet the question.

Computed in the database, one query for the items whatever the number of attempts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Greatest, Round, RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from academy.charts import Bar, Chart, bar_chart

from ..models import Attempt, Exam, Question, Response

BINS = 10
# Kelley's upper and lower groups: 27 % of the attempts each.
KELLEY_SHARE = 0.27


@dataclass
class ItemStats:
    exam_id: int
    exam_title: str
    question_id: int | None  # None: the question was deleted (its text is the responses' copy)
    text: str
    topic: str
    kind: str
    answered: int  # responses, one per attempt that drew the question
    facility: float  # per cent fully correct, one decimal
    discrimination: float | None  # -1 … 1, two decimals

    @property
    def kind_label(self) -> str:
        return Question.Kind(self.kind).label


@dataclass
class ExamStats:
    attempts: int
    passed: int
    mean: float | None
    distribution: list[int]  # attempts per 10 % band, 0–9 … 90–100
    items: list[ItemStats]

    @property
    def pass_rate(self) -> float | None:
        return 100 * self.passed / self.attempts if self.attempts else None


def item_statistics(
    attempts: QuerySet[Attempt],
    *,
    min_responses: int = 1,
    limit: int | None = None,
    deleted_questions: bool = True,
) -> list[ItemStats]:
    """Facility and discrimination (see the module) of every question in `attempts`, per exam
    and question, the hardest (lowest facility) first.

    `attempts` may be filtered in any way (an exam, a city, a date range); only the graded ones
    count. `min_responses` leaves out questions answered fewer times, `limit` keeps the first
    ones, `deleted_questions=False` leaves out responses whose question was deleted. One query:
    the two groups are subqueries, ranked by a window function, in the FILTER clauses of two
    averages.
    """
    graded = attempts.filter(state=Attempt.State.GRADED)
    ranked = (
        graded.annotate(
            position=Window(
                RowNumber(), partition_by=F("exam_id"), order_by=[F("score").asc(), F("pk").asc()]
            ),
            size=Window(Count("pk"), partition_by=F("exam_id")),
        )
        .annotate(
            group=Cast(
                Greatest(Round(Cast("size", FloatField()) * Value(KELLEY_SHARE)), Value(1.0)),
                IntegerField(),
            )
        )
        .filter(size__gte=2)
    )
    lower = Q(attempt_id__in=ranked.filter(position__lte=F("group")).values("pk"))
    upper = Q(attempt_id__in=ranked.filter(position__gt=F("size") - F("group")).values("pk"))
    # 1 for a fully correct response, else 0: its average over a group is that group's facility.
    hit = Case(
        When(Q(points__gt=0, points_awarded__gte=F("points")), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    responses = Response.objects.filter(attempt__in=graded.values("pk"))
    if not deleted_questions:
        responses = responses.filter(question__isnull=False)
    # A deleted question's responses are told apart by their own copy of its text and type.
    deleted = Q(question__isnull=True)
    rows = (
        responses.annotate(
            deleted_text=Case(
                When(deleted, then=F("text")), default=Value(""), output_field=TextField()
            ),
            deleted_kind=Case(
                When(deleted, then=F("kind")), default=Value(""), output_field=CharField()
            ),
        )
        # Grouped by the exam's and the question's primary keys: PostgreSQL then groups by
        # those two integers only, not by the texts (much faster sorts).
        .values(
            "attempt__exam__id",
            "question__id",
            "deleted_text",
            "deleted_kind",
            exam_title=F("attempt__exam__title"),
            question_text=F("question__text"),
            question_topic=F("question__topic"),
            question_kind=F("question__kind"),
        )
        .annotate(
            responses=Count("pk"),
            facility=Avg(hit),
            # Null when either group has no response to this question.
            discrimination=Avg(hit, filter=upper) - Avg(hit, filter=lower),
        )
        .filter(responses__gte=min_responses)
        .order_by("facility", "-responses", "exam_title", "question__id", "deleted_text")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        ItemStats(
            exam_id=row["attempt__exam__id"],
            exam_title=row["exam_title"],
            question_id=row["question__id"],
            text=row["question_text"] if row["question__id"] else row["deleted_text"],
            topic=row["question_topic"] or "",
            kind=row["question_kind"] or row["deleted_kind"],
            answered=row["responses"],
            facility=round(100 * row["facility"], 1),
            discrimination=(
                round(row["discrimination"], 2) if row["discrimination"] is not None else None
            ),
        )
        for row in rows
    ]


def exam_statistics(exam: Exam) -> ExamStats:
    """An exam's graded attempts: how many, passed, mean score, distribution, and its items."""
    graded = Attempt.objects.filter(exam=exam, state=Attempt.State.GRADED)
    scores = list(graded.values_list("score", "passed"))
    distribution = [0] * BINS
    for score, _passed in scores:
        distribution[min(int(score // 10), BINS - 1)] += 1
    passed = sum(1 for _score, ok in scores if ok)
    mean = float(sum(score for score, _passed in scores) / len(scores)) if scores else None
    return ExamStats(len(scores), passed, mean, distribution, item_statistics(graded))


def distribution_chart(stats: ExamStats) -> Chart:
    """The score histogram: attempts per 10 % band, with its table."""
    bars = [
        Bar(f"{i * 10}–{i * 10 + 9 if i < BINS - 1 else 100}%", count)
        for i, count in enumerate(stats.distribution)
    ]
    return bar_chart(
        bars,
        title=_("Attempts per score band"),
        headings=[_("Score band"), pgettext("number of exam attempts", "Attempts")],
        chart_id="exam-distribution",
    )
