"""Celery tasks of the growth app: thin wrappers, safe to run twice."""

from celery import shared_task

from . import mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(invitation_id: int) -> bool:
    """E-mail the invitation link; an accepted or withdrawn invitation is not sent."""
    return mail.send_invitation(invitation_id)
