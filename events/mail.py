"""The e-mails sent to registrants, in the language they signed up in.

Each kind has a subject and a plain-text body under templates/events/email/. Confirmations (and
seats confirmed from the waitlist, reminders and changes) carry the event as an .ics file.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from academy.script import render_text
from academy.site_url import absolute_url

from . import ics, services
from .models import Notification, Registration

WITH_CALENDAR = {
    Notification.Kind.CONFIRMED,
    Notification.Kind.PROMOTED,
    Notification.Kind.REMINDER,
    Notification.Kind.CHANGED,
    Notification.Kind.EVENT_CANCELLED,
}


def ticket_path(registration: Registration) -> str:
    index = registration.event.get_parent().specific
    return (index.get_url() or "/events/") + index.reverse_subpage("ticket", args=[registration.pk])


def build(registration: Registration, kind: str) -> EmailMultiAlternatives:
    event = registration.event
    language = registration.language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "registration": registration,
            "event": event,
            "user": registration.user,
            "kind": kind,
            "event_url": absolute_url(event.get_url() or "/events/", language),
            "ticket_url": absolute_url(ticket_path(registration), language),
            "my_academy_url": absolute_url("/my-academy/", language),
            "position": services.waitlist_position(registration),
        }
        subject = render_text(f"events/email/{kind}_subject.txt", context, language)
        body = render_text(f"events/email/{kind}_message.txt", context, language)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), body.strip() + "\n", to=[registration.user.email]
    )
    if kind in WITH_CALENDAR:
        message.attach(
            f"{event.slug}.ics",
            ics.calendar([event], name=event.title, language=language),
            "text/calendar; charset=utf-8; method=PUBLISH",
        )
    return message
