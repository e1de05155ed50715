"""Celery tasks of the growth app: thin wrappers, safe to run twice."""

from celery import shared_task

from academy.mail import MailTask

from . import mail


@shared_task(base=MailTask)
def send_invitation(invitation_id: int) -> bool:
    """E-mail the invitation link; an accepted or withdrawn invitation is not sent."""
    return mail.send_invitation(invitation_id)
