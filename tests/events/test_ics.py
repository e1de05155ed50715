"""Calendar files are valid RFC 5545 with stable UIDs: parsed back with icalendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

from events import ics, services
from tests.events.factories import path_of


def parse(body: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return calendar


def test_feed_lists_every_published_event_with_stable_uids(client, event_factory):
    first = event_factory(title="上海工作坊")
    second = event_factory(title="北京工作坊", city="北京")
    long_ago = event_factory(title="去年的活动", start=timezone.now() - timedelta(days=400))

    response = client.get("/events/feed.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = parse(response.content).walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} == {first.title, second.title}
    assert long_ago.title not in response.content.decode()

    again = parse(client.get("/en/events/feed.ics").content).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in again) == sorted(str(e["UID"]) for e in events)
    for vevent in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in vevent


def test_event_times_keep_their_time_zone(client, event_factory):
    zone = ZoneInfo("Asia/Shanghai")
    start = datetime(timezone.now().year + 1, 3, 14, 13, 30, tzinfo=zone)
    event = event_factory(start=start, end=start + timedelta(hours=4))
    calendar = parse(client.get(path_of(event) + "calendar/").content)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART") == start
    assert vevent.decoded("DTEND") == start + timedelta(hours=4)
    assert str(vevent["DTSTART"].params["TZID"]) == "Asia/Shanghai"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert event.city in str(vevent["LOCATION"]) and event.venue in str(vevent["LOCATION"])
    assert str(vevent["URL"]).endswith(path_of(event))


def test_uid_survives_edits_and_sequence_grows(event):
    first = icalendar.Calendar.from_ical(ics.calendar([event])).walk("VEVENT")[0]
    event.venue = "新的场地"
    event.last_published_at = event.last_published_at + timedelta(minutes=5)
    second = icalendar.Calendar.from_ical(ics.calendar([event])).walk("VEVENT")[0]
    assert first["UID"] == second["UID"] == ics.uid_for(event)
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])


def test_cancelled_event_is_marked_cancelled(client, event, staff):
    services.cancel_event(event, by=staff, reason="讲师临时生病")
    (vevent,) = parse(client.get("/events/feed.ics").content).walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"
    assert "讲师临时生病" in str(vevent["DESCRIPTION"])


def test_unpublished_events_are_not_in_the_feed(client, index):
    from tests.events.factories import make_event

    make_event(index, title="草稿活动", publish=False)
    assert "草稿活动" not in client.get("/events/feed.ics").content.decode()


def test_listing_links_the_feed(client, index):
    html = client.get("/events/").content.decode()
    assert 'href="/events/feed.ics"' in html
