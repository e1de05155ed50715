"""Certification's site views by area: exams.py (taking exams)."""
