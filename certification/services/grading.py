"""Points for one answered choice question, from the attempt's snapshot alone."""

from decimal import ROUND_HALF_UP, Decimal

from ..models import Question


def grade_response_points(response) -> Decimal:
    """Points the server awards; short answers are graded by an officer, not here.

    Multiple choice with partial credit follows Moodle's usual scheme: each right choice ticked
    earns its share, each wrong one ticked takes a share away, never below zero.
    """
    selected = set(response.selected or [])
    correct = set(response.correct_keys or [])
    points = Decimal(response.points)
    if response.kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE):
        return points if selected and selected == correct else Decimal(0)
    if response.kind == Question.Kind.MULTIPLE:
        if response.scoring != Question.Scoring.PARTIAL:
            return points if selected == correct else Decimal(0)
        if not correct:
            return Decimal(0)
        wrong = len(response.choices) - len(correct)
        share = Decimal(len(selected & correct)) / len(correct)
        if wrong:
            share -= Decimal(len(selected - correct)) / wrong
        share = max(share, Decimal(0))
        return (points * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    raise ValueError("short answers are graded by an officer")
