"""Celery tasks of the academy app: thin wrappers around services, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_welcome_email(user_id: int, language: str | None = None) -> bool:
    return services.send_welcome_email(user_id, language)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_join_request(request_id: int) -> bool:
    """E-mail a company's administrators that someone asks to join (once per request)."""
    return services.send_join_request_notice(request_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_join_decision(request_id: int) -> bool:
    """E-mail the requester the approval or the decline with its reason (once per request)."""
    return services.send_join_decision(request_id)
