"""Certification's reactions to the other apps' facts: each may complete a programme.

The senders (courses.signals, events.signals) fire inside the transaction that records the fact,
so the re-check's outbox row commits with it: a process that dies after the commit still leaves
the re-check for the relay, and the daily sweep (programmes.sweep_programmes) catches anything
else. Certification's own facts (a passed exam, an approved application, a name given) call
`issuing.check_programmes_later` directly: no signal within an app. A completed course that
awards a certificate also has its course certificate issued (services/course_certificates.py).
"""

from django.dispatch import receiver

from academy import outbox
from courses.signals import answer_accepted, course_completed
from events.signals import attendance_recorded, session_taught

from . import tasks
from .services.issuing import check_programmes_later


@receiver(course_completed, dispatch_uid="certification_course_completed")
def on_course_completed(sender, user=None, course=None, **kwargs):
    if user is None:
        return
    check_programmes_later(user.pk)
    if course is not None and course.awards_certificate:
        outbox.enqueue(tasks.issue_course_certificate, user.pk, course.pk)


@receiver(answer_accepted, dispatch_uid="certification_answer_accepted")
def on_answer_accepted(sender, lecturer_user=None, **kwargs):
    # An accepted answer counts toward a lecturer's "answered questions" requirement.
    if lecturer_user is not None:
        check_programmes_later(lecturer_user.pk)


@receiver(attendance_recorded, dispatch_uid="certification_attendance_recorded")
def on_attendance_recorded(sender, registration=None, **kwargs):
    if registration is not None:
        check_programmes_later(registration.user_id)


@receiver(session_taught, dispatch_uid="certification_session_taught")
def on_session_taught(sender, lecturer=None, **kwargs):
    if lecturer is not None:
        check_programmes_later(lecturer.user_id)
