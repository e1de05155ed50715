"""Signals certification sends for other apps and for its own programme rules.

exam_passed: sent on commit once an attempt is graded as passed;
    kwargs: user, exam, attempt.
"""

from django.dispatch import Signal

exam_passed = Signal()
