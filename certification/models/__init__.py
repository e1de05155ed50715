"""Certification models by area: exams.py (question banks, exams, attempts) and programmes.py
(programmes, requirements, certificates, audit log)."""

from .exams import Attempt, Exam
from .programmes import Certificate, Programme

__all__ = ["Attempt", "Certificate", "Exam", "Programme"]
