"""Item analysis of an exam's graded attempts, as officers read it in the admin.

- facility index: the mean share of the points candidates earned on a question (100 = everyone
  right);
- discrimination index: facility among the top 27 % of attempts by total score minus facility
  among the bottom 27 % (Kelley's upper–lower index, from -1 to 1). A question that the strong
  candidates miss as often as the weak ones (near 0 or negative) does not tell them apart.

Computed from two queries over the graded attempts, whatever their number.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ..models import Attempt, Exam, Question, Response

BINS = 10


@dataclass
class ItemStats:
    question_id: int | None
    text: str
    kind: str
    answered: int
    facility: float  # per cent
    discrimination: float | None

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


def exam_statistics(exam: Exam) -> ExamStats:
    scores = dict(
        Attempt.objects.filter(exam=exam, state=Attempt.State.GRADED).values_list("pk", "score")
    )
    distribution = [0] * BINS
    for score in scores.values():
        distribution[min(int(score // 10), BINS - 1)] += 1
    passed = Attempt.objects.filter(exam=exam, state=Attempt.State.GRADED, passed=True).count()
    ranked = sorted(scores, key=lambda pk: scores[pk])
    group = max(round(len(ranked) * 0.27), 1) if len(ranked) >= 2 else 0
    lower, upper = set(ranked[:group]), set(ranked[-group:]) if group else set()

    per_item: dict[int | None, list] = defaultdict(list)
    texts: dict[int | None, tuple[str, str]] = {}
    rows = Response.objects.filter(attempt_id__in=list(scores)).values_list(
        "question_id", "text", "kind", "attempt_id", "points_awarded", "points"
    )
    for question_id, text, kind, attempt_id, awarded, points in rows:
        share = float((awarded or Decimal(0)) / points) if points else 0.0
        per_item[question_id].append((attempt_id, share))
        texts.setdefault(question_id, (text, kind))

    items = []
    for question_id, shares in per_item.items():
        facility = 100 * sum(s for _, s in shares) / len(shares)
        up = [s for a, s in shares if a in upper]
        low = [s for a, s in shares if a in lower]
        discrimination = (sum(up) / len(up) - sum(low) / len(low)) if up and low else None
        text, kind = texts[question_id]
        items.append(ItemStats(question_id, text, kind, len(shares), facility, discrimination))
    items.sort(key=lambda i: i.facility)
    mean = float(sum(scores.values()) / len(scores)) if scores else None
    return ExamStats(len(scores), passed, mean, distribution, items)


def distribution_svg_bars(stats: ExamStats, width: int = 480, height: int = 180) -> list[dict]:
    """Bar geometry for the score histogram the template draws as SVG (no script, no CDN).

    The plot spans y = 20 … height - 20: room above the tallest bar for its count, below the
    axis for the band labels.
    """
    top = max(stats.distribution) or 1
    bar_w = width / BINS
    bars = []
    for i, count in enumerate(stats.distribution):
        h = round((height - 40) * count / top)
        bars.append(
            {
                "x": round(i * bar_w + 4, 1),
                "y": height - 20 - h,
                "width": round(bar_w - 8, 1),
                "height": h,
                "count": count,
                "label": f"{i * 10}–{i * 10 + 9 if i < BINS - 1 else 100}",
                "label_x": round(i * bar_w + bar_w / 2, 1),
            }
        )
    return bars
