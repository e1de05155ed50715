"""Certification's reactions to the other apps' signals (the project's one way across apps:
a signal owned by the emitting app, its receivers here in the reacting app).

Each receiver runs inside the sender's transaction and only records work in the outbox
(academy.outbox.enqueue), which commits or rolls back with the fact and is sent once it commits.
"""

from django.dispatch import receiver

from academy import outbox
from courses.signals import course_completed

from . import tasks


@receiver(course_completed, dispatch_uid="certification_course_certificate")
def award_course_certificate(sender, user=None, course=None, **kwargs):
    """Finishing a course that awards a certificate issues it (services/course_certificates.py)."""
    if user is not None and course is not None and course.awards_certificate:
        outbox.enqueue(tasks.issue_course_certificate, user.pk, course.pk)
