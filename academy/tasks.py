"""Celery tasks of the academy app: the welcome and join-request e-mails, the outbox's relay and
the daily purge (outbox rows and sent e-mail keys). Thin wrappers around services, safe to run
twice.

The periodic ones are on beat's schedule in settings (CELERY_BEAT_SCHEDULE), all in one place.
"""

from celery import shared_task
from django.conf import settings

from . import mail, outbox, retention, services
from .mail import MailTask


@shared_task(base=MailTask)
def send_welcome_email(user_id: int, language: str | None = None) -> bool:
    return services.send_welcome_email(user_id, language)


@shared_task(base=MailTask)
def notify_join_request(request_id: int) -> bool:
    """E-mail a company's administrators that someone asks to join (once per request)."""
    return services.send_join_request_notice(request_id)


@shared_task(base=MailTask)
def notify_join_decision(request_id: int) -> bool:
    """E-mail the requester the approval or the decline with its reason (once per request)."""
    return services.send_join_decision(request_id)


# Two relays running at once (a slow run overlapping the next beat) are safe: each row is claimed
# by one of them. expires drops a beat tick that waited longer than the next one.
@shared_task(ignore_result=True, expires=25)
def relay_outbox() -> dict:
    """Send to the broker the follow-up work that could not be sent at commit."""
    result = outbox.relay()
    return {"sent": result.sent, "failed": result.failed, "broker_down": result.broker_down}


@shared_task(ignore_result=True)
def purge_outbox() -> int:
    """Forget outbox rows delivered, and e-mail keys sent, more than OUTBOX_KEEP_DAYS ago."""
    return outbox.purge(settings.OUTBOX_KEEP_DAYS) + mail.purge(settings.OUTBOX_KEEP_DAYS)


@shared_task(ignore_result=True)
def apply_retention() -> dict:
    """Remove what ACADEMY_RETENTION says is due; the run is recorded (academy.RetentionRun)."""
    return {o.rule.name: o.count for o in retention.apply_all() if o.days is not None}


# --- My data and account closure (issue 20) -------------------------------------------------------


@shared_task
def build_data_export(export_id: int) -> bool:
    """Build a person's ZIP of their data; it e-mails the link once (another task)."""
    from . import my_data

    return my_data.build_export(export_id)


@shared_task(base=MailTask)
def send_data_export_email(export_id: int) -> bool:
    from . import my_data

    return my_data.send_export_email(export_id)


@shared_task(ignore_result=True)
def expire_data_exports() -> int:
    """Delete downloads of personal data past their expiry (hourly)."""
    from . import my_data

    return my_data.expire_exports()


@shared_task(base=MailTask)
def send_closure_confirmation(closure_id: int) -> bool:
    from . import closure

    return closure.send_confirmation(closure_id)


@shared_task(ignore_result=True)
def process_closures() -> dict:
    """Close the accounts whose cooling-off period has ended (daily), each in its own transaction."""
    from . import closure

    result = closure.process_due()
    return {"closed": result.done, "failed": len(result.failed)}
