"""Certification models by area: exams.py (question banks, exams, attempts) and programmes.py
(programmes, requirements, certificates, audit log)."""

from .exams import Attempt, Exam
from .programmes import (
    ApprovalApplication,
    AuditEntry,
    BulkIssue,
    Certificate,
    CertificateSettings,
    Programme,
    Requirement,
)

__all__ = [
    "ApprovalApplication",
    "Attempt",
    "AuditEntry",
    "BulkIssue",
    "Certificate",
    "CertificateSettings",
    "Exam",
    "Programme",
    "Requirement",
]
