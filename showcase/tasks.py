"""Celery tasks of the showcase: thin wrappers, safe to run twice."""

from celery import shared_task

from academy.mail import MailTask

from . import mail


@shared_task(base=MailTask)
def email_enquiry_to_admins(enquiry_id: int) -> bool:
    return mail.email_enquiry_to_admins(enquiry_id)


@shared_task(base=MailTask)
def email_enquiry_copy(enquiry_id: int) -> bool:
    return mail.email_enquiry_copy(enquiry_id)


@shared_task(base=MailTask)
def email_introduction(response_id: int) -> bool:
    return mail.email_introduction(response_id)
