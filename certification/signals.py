"""Signals certification sends for other apps and for its own programme rules.

exam_passed: sent inside the grading transaction once an attempt is graded as passed;
    kwargs: user, exam, attempt. Receivers record follow-up work with academy.outbox.enqueue
    (it commits or rolls back with the grade) and do no I/O of their own.
"""

from django.dispatch import Signal

exam_passed = Signal()
