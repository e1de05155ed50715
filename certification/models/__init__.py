"""Certification models by area: questions.py (question banks), exams.py (exams, attempts,
responses) and programmes.py (programmes, requirements, certificates, audit log)."""

from .exams import REVIEW_ORDER, Attempt, Exam, ExamOverride, ExamPool, Response, Review
from .programmes import Certificate, Programme
from .questions import Choice, Question, QuestionBank

__all__ = [
    "REVIEW_ORDER",
    "Attempt",
    "Certificate",
    "Choice",
    "Exam",
    "ExamOverride",
    "ExamPool",
    "Programme",
    "Question",
    "QuestionBank",
    "Response",
    "Review",
]
