"""Closing an account (注销): asked with the password, confirmed from an e-mailed link, carried
out after a cooling-off period (ACCOUNT_CLOSURE_COOLING_OFF_DAYS) unless cancelled meanwhile.

The closure itself walks academy/personal_data.py's sections in one transaction per person
(each app erases or anonymises its own data, the user row last) and writes what each step did
into the request's step log. It is idempotent: a request already closed is left alone.

Last-administrator rule: a person who is the last administrator of a company with other members
is refused at request time (they appoint another first, on the team page). Should someone join
during the cooling-off period and leave them last again, the closure does not wait: the
company's longest-standing member becomes its administrator (logged as a step).

Staff may ask and carry out a closure on someone's behalf (a person who wrote to the academy,
identity checked by staff): `request_on_behalf` skips the password and the e-mail, `close_now`
skips the cooling-off; both are written to Wagtail's log with the acting staff user.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log as log_action

from . import batches, mail, outbox, personal_data
from .data_rights import new_token
from .errors import ActionRefused
from .models import ClosureRequest, User
from .script import render_text
from .services import lock_person
from .templatetags.academy_tags import path_in_language

Status = ClosureRequest.Status


class ClosureRefused(ActionRefused):
    pass


def cooling_off() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ACCOUNT_CLOSURE_COOLING_OFF_DAYS)


def open_request(user: User) -> ClosureRequest | None:
    return ClosureRequest.objects.filter(user=user, status__in=ClosureRequest.OPEN).first()


def request_closure(user: User, password: str, language: str = "") -> ClosureRequest:
    """The person asks to close their account: password checked now, then an e-mailed link."""
    if not user.has_usable_password():
        raise ClosureRefused(
            _("Set a password for your account first: closing it is confirmed with it."), 400
        )
    if not user.check_password(password):
        raise ClosureRefused(_("That is not your password."), 400)
    return _request(user, language=language)


def request_on_behalf(user: User, *, by: User) -> ClosureRequest:
    """Staff ask for a closure for someone whose identity they checked; it is scheduled at once."""
    closure = _request(user, language="", by=by)
    log_action(closure, "academy.closure.requested_on_behalf", user=by)
    return closure


def _request(user: User, *, language: str, by: User | None = None) -> ClosureRequest:
    from . import tasks

    refusals = personal_data.closure_refusals(user)
    if refusals:
        raise ClosureRefused(refusals[0])
    with transaction.atomic():
        lock_person(user)  # one open request per person (and the unique constraint behind it)
        existing = open_request(user)
        if existing is not None:
            return existing
        closure = ClosureRequest(user=user, language=language, acting_staff=by)
        if by is not None:
            closure.status = Status.SCHEDULED
            closure.confirmed_at = timezone.now()
            closure.close_after = closure.confirmed_at + cooling_off()
        closure.save()
        if by is None:
            outbox.enqueue(tasks.send_closure_confirmation, closure.pk)
    return closure


def confirm(token: str) -> ClosureRequest:
    """The e-mailed link's button: start the cooling-off period. Confirming twice is harmless."""
    with transaction.atomic():
        closure = ClosureRequest.objects.select_for_update().filter(token=token).first()
        if closure is None:
            raise ClosureRequest.DoesNotExist
        if closure.status == Status.AWAITING_EMAIL:
            closure.status = Status.SCHEDULED
            closure.confirmed_at = timezone.now()
            closure.close_after = closure.confirmed_at + cooling_off()
            closure.save(update_fields=["status", "confirmed_at", "close_after"])
        return closure


def cancel(closure: ClosureRequest, *, by: User | None = None) -> ClosureRequest:
    """Keep the account: cancel a closure that has not happened yet."""
    with transaction.atomic():
        closure = ClosureRequest.objects.select_for_update().get(pk=closure.pk)
        if closure.status == Status.CLOSED:
            raise ClosureRefused(_("This account has already been closed."))
        if closure.is_open:
            closure.status = Status.CANCELLED
            closure.cancelled_at = timezone.now()
            closure.save(update_fields=["status", "cancelled_at"])
            if by is not None and by.pk != closure.user_id:
                log_action(closure, "academy.closure.cancelled_on_behalf", user=by)
        return closure


def due(now: datetime.datetime | None = None):
    return ClosureRequest.objects.filter(
        status=Status.SCHEDULED, close_after__lte=now or timezone.now()
    ).order_by("close_after", "pk")


def close_account(closure_id: int, *, by: User | None = None) -> bool:
    """Carry out one closure, in one transaction; False when it was not due (done, cancelled)."""
    with transaction.atomic():
        closure = ClosureRequest.objects.select_for_update().get(pk=closure_id)
        if closure.status != Status.SCHEDULED:
            return False
        if by is None and closure.close_after > timezone.now():
            return False
        user = lock_person(closure.user)
        steps: list[dict] = []

        def log(what: str, count: int) -> None:
            steps.append({"step": what, "count": count})

        personal_data.erase(user, log)
        closure.status = Status.CLOSED
        closure.closed_at = timezone.now()
        closure.steps = steps
        closure.token = new_token()  # the e-mailed links lead nowhere now
        closure.save(update_fields=["status", "closed_at", "steps", "token"])
        if by is not None:
            ClosureRequest.objects.filter(pk=closure.pk).update(acting_staff=by)
            log_action(closure, "academy.closure.closed_on_behalf", user=by)
    return True


def close_now(closure: ClosureRequest, *, by: User) -> bool:
    """Staff carry out a scheduled closure without waiting for the cooling-off period."""
    return close_account(closure.pk, by=by)


def process_due(now: datetime.datetime | None = None) -> batches.BatchResult:
    """Close every account whose cooling-off period has ended (the daily job), each on its own."""
    return batches.run(
        list(due(now).values_list("pk", flat=True)), close_account, job="process_closures"
    )


def send_confirmation(closure_id: int) -> bool:
    """E-mail the confirmation link once, with the certificates to save and how to cancel."""

    def compose():
        closure = (
            ClosureRequest.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=closure_id)
            .first()
        )
        if closure is None or closure.status != Status.AWAITING_EMAIL:
            return None
        language = (
            closure.language
            if closure.language in dict(settings.LANGUAGES)
            else settings.LANGUAGE_CODE
        )
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        with translation.override(language):
            context = {
                "user": closure.user,
                "link": base + path_in_language(f"/my-academy/close/{closure.token}/", language),
                "days": settings.ACCOUNT_CLOSURE_COOLING_OFF_DAYS,
                "keepsakes": [
                    (k.label, base + path_in_language(k.path, language))
                    for k in personal_data.keepsakes(closure.user)
                ],
            }
            subject = render_text("academy/email/closure_subject.txt", context, language)
            body = render_text("academy/email/closure_message.txt", context, language)
        return EmailMultiAlternatives(" ".join(subject.split()), body, to=[closure.user.email])

    return mail.send_once(f"closure:{closure_id}:confirm", kind="account_closure", compose=compose)
