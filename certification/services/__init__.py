"""Certification's business rules by area: exams.py (attempts, grading, results)."""
