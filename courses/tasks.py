"""Celery tasks of the courses app: thin and safe to run twice."""

from celery import shared_task
from django.core.management import call_command

from academy.mail import MailTask


@shared_task
def publish_scheduled_pages() -> None:
    """Publish approved pages whose go-live date has come, unpublish expired ones.

    Wagtail's own `publish_scheduled` command; running it twice publishes nothing twice. Beat
    runs it every minute (CELERY_BEAT_SCHEDULE), so scheduled courses and cases go live on time.
    """
    call_command("publish_scheduled")


@shared_task(base=MailTask)
def email_question_answered(question_id: int) -> bool:
    """E-mail the asker that their question was answered (once: academy.mail.send_once)."""
    from .questions_mail import email_question_answered as send

    return send(question_id)


@shared_task
def process_media(media_id: int) -> bool:
    """Read an uploaded media item's duration, poster frame and captions (courses/media.py).

    Safe to run twice: an item whose files were already read is left alone."""
    from .media import process_media as read

    return read(media_id)
