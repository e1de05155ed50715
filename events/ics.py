"""Calendar files (RFC 5545) for one event or for all of them (the /events/feed.ics subscription).

UIDs are stable — `event-<page id>@<site host>` — so a calendar that imported an event updates it
(SEQUENCE grows with each publication or cancellation) instead of adding a copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar, Event, Timezone, vText

from academy.script import for_language
from academy.site_url import absolute_url, site_host

from .models import EventPage

PRODID = "-//Provider Academy//Events//ZH"


def uid_for(event: EventPage) -> str:
    return f"event-{event.pk}@{site_host()}"


def _sequence(event: EventPage) -> int:
    """Seconds from first publication to the last change: grows whenever the event changes."""
    first = event.first_published_at or event.last_published_at
    last = max(filter(None, [event.last_published_at, event.cancelled_at]), default=None)
    if first is None or last is None:
        return 0
    return max(0, int((last - first).total_seconds()))


def event_url(event: EventPage) -> str:
    path = event.get_url() or ""
    if path.startswith("http"):
        return path
    return absolute_url(path)


def vevent(event: EventPage, *, now: datetime | None = None, language: str | None = None) -> Event:
    """One event; its texts in the script of `language` (default: the active language)."""
    item = Event()
    item.add("uid", uid_for(event))
    item.add("dtstamp", now or timezone.now().astimezone(UTC))
    item.add("sequence", _sequence(event))
    item.add("dtstart", event.local_start)
    item.add("dtend", event.local_end)
    item.add("summary", for_language(event.title, language))
    location = "，".join(part for part in [event.city, event.venue, event.address] if part)
    if location:
        item.add("location", for_language(location, language))
    url = event_url(event)
    description = "\n\n".join(
        part for part in [event.summary, strip_tags(event.cancellation_reason), url] if part
    )
    item.add("description", for_language(description, language))
    item.add("url", url)
    if event.last_published_at:
        item.add("last-modified", event.last_published_at.astimezone(UTC))
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    item.add("transp", "OPAQUE")
    return item


def calendar(events: Iterable[EventPage], *, name: str = "", language: str | None = None) -> bytes:
    """An iCalendar file holding `events`, with the time zones they use, written for a reader of
    `language` (default: the active language)."""
    name = for_language(name, language)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", vText(name))
        cal.add("name", vText(name))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    events = list(events)
    for tzid in sorted({event.time_zone for event in events}):
        cal.add_component(_vtimezone(tzid))
    now = timezone.now().astimezone(UTC)
    for event in events:
        cal.add_component(vevent(event, now=now, language=language))
    return cal.to_ical()


@cache
def _vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE of a zone; computing its transitions takes ~50 ms, so once per process."""
    return Timezone.from_tzid(tzid)
