"""Certification's site views by area: exams.py (taking exams), staff_exams.py (officers'
grading queue, CSV, statistics), verify.py (public verification), programmes.py (a candidate's
programmes and certificates), directory.py (the public lecturer directory)."""
