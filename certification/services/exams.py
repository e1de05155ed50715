"""Exam rules. `exam_pass` is the one question other code asks about exams."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..models import Attempt, Exam


@dataclass(frozen=True)
class ExamPass:
    attempt_id: int
    score: Decimal
    passed_at: datetime


def exam_pass(user, exam: Exam | int) -> ExamPass | None:
    """Whether `user` has passed `exam`: the best graded passing attempt (score, when), else None."""
    exam_id = exam if isinstance(exam, int) else exam.pk
    attempt = (
        Attempt.objects.filter(user=user, exam_id=exam_id, state=Attempt.State.GRADED, passed=True)
        .order_by("-score", "graded_at")
        .only("pk", "score", "graded_at")
        .first()
    )
    if attempt is None:
        return None
    return ExamPass(attempt_id=attempt.pk, score=attempt.score, passed_at=attempt.graded_at)
