"""Template helpers of the events app: times in the event's own zone, badges, QR codes."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from events import checkin

register = template.Library()


def _local(event, value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return timezone.localtime(value, event.tzinfo)


@register.filter
def when(event) -> str:
    """The event's date and time in its own time zone, e.g. 2026年12月5日（星期六）14:00–17:30."""
    start, end = event.local_start, event.local_end
    day = date_format(start, "DATE_FORMAT")
    weekday = date_format(start, "l")
    if start.date() == end.date():
        text = _("%(day)s (%(weekday)s) %(start)s–%(end)s") % {
            "day": day,
            "weekday": weekday,
            "start": time_format(start, "H:i"),
            "end": time_format(end, "H:i"),
        }
    else:
        text = _("%(day)s %(start)s – %(end_day)s %(end)s") % {
            "day": day,
            "start": time_format(start, "H:i"),
            "end_day": date_format(end, "DATE_FORMAT"),
            "end": time_format(end, "H:i"),
        }
    if event.shows_time_zone:
        text += f" ({event.time_zone})"
    return text


@register.filter
def event_datetime(value: datetime | None, event) -> str:
    """Any moment (sign-up deadline, check-in time …) in the event's zone: date and time."""
    local = _local(event, value)
    if local is None:
        return ""
    return f"{date_format(local, 'DATE_FORMAT')} {time_format(local, 'H:i')}"


@register.filter
def event_time(value: datetime | None, event) -> str:
    local = _local(event, value)
    return time_format(local, "H:i") if local else ""


@register.filter
def event_day(value: datetime | None, event) -> str:
    """A moment's day in the event's zone, without the year: 12月12日 / December 12."""
    local = _local(event, value)
    return date_format(local, "MONTH_DAY_FORMAT") if local else ""


@register.filter
def day_of_month(event) -> str:
    return str(event.local_start.day)


@register.filter
def month_label(event) -> str:
    return date_format(event.local_start, "YEAR_MONTH_FORMAT")


@register.filter
def short_month(event) -> str:
    return date_format(event.local_start, "M")


@register.simple_tag
def qr_code(registration, label: str = ""):
    """Inline SVG QR code of a registration's check-in token."""
    return checkin.qr_svg(registration, label or _("Check-in QR code"))


STATUS_BADGES = {
    "confirmed": "badge--success",
    "waitlisted": "badge--warning",
    "offered": "badge--warning",
    "cancelled": "badge--muted",
    "expired": "badge--muted",
    "attended": "badge--success",
    "partial": "badge--warning",
    "no_show": "badge--danger",
}


@register.filter
def badge_class(status: str) -> str:
    return STATUS_BADGES.get(str(status), "")
