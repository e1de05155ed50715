"""Celery tasks of the growth app: thin wrappers, safe to run twice."""

from celery import shared_task

from academy.mail import MailTask

from . import mail


@shared_task(base=MailTask)
def send_invitation(invitation_id: int) -> bool:
    """E-mail the invitation link; an accepted or withdrawn invitation is not sent."""
    return mail.send_invitation(invitation_id)


@shared_task(base=MailTask)
def send_assignment_reminder(assignment_id: int, user_id: int, kind: str) -> bool:
    """E-mail one member one reminder of an assignment ("due-soon" or "due"), once."""
    return mail.send_assignment_reminder(assignment_id, user_id, kind)


@shared_task
def queue_assignment_reminders() -> int:
    """Daily: queue the reminders of assignments due soon or today (services/assignments.py)."""
    from .services.assignments import queue_reminders

    return queue_reminders()
