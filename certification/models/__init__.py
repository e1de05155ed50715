"""Certification models by area: questions.py (question banks), exams.py (exams, attempts,
responses), programmes.py (programmes, requirements, certificates, audit log) and
course_certificates.py (what finishing a course awards)."""

from .course_certificates import CourseCertificate
from .exams import REVIEW_ORDER, Attempt, Exam, ExamOverride, ExamPool, Response, Review
from .programmes import (
    ApprovalApplication,
    AuditEntry,
    BulkIssue,
    Certificate,
    CertificateSettings,
    Programme,
    Recipient,
    Requirement,
    StatusList,
)
from .questions import Choice, Question, QuestionBank

__all__ = [
    "REVIEW_ORDER",
    "ApprovalApplication",
    "Attempt",
    "AuditEntry",
    "BulkIssue",
    "Certificate",
    "CertificateSettings",
    "Choice",
    "CourseCertificate",
    "Exam",
    "ExamOverride",
    "ExamPool",
    "Programme",
    "Question",
    "QuestionBank",
    "Recipient",
    "Requirement",
    "Response",
    "Review",
    "StatusList",
]
