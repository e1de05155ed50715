"""Signals the courses app sends for others (certification listens to `course_completed`)."""

from django.dispatch import Signal

# Sent once per learner and course, after the transaction that recorded the completion commits.
# Keyword arguments: user, course (CoursePage), completed_at (aware datetime).
course_completed = Signal()
