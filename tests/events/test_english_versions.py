"""An event's English version is the same event in other words: one set of seats, sign-ups and
sessions taught, one entry in the calendar feed (academy/localisation.py, issue 14.4)."""

import pytest
from wagtail.models import Locale

from academy.demo import translate_page
from events import selectors, services
from tests.events.factories import lecturer_profile, make_event


@pytest.fixture
def english_event(home_page, index):
    english = Locale.objects.get(language_code="en")
    lecturer = lecturer_profile()
    event = make_event(index, title="支付工作坊", city="上海", lecturers=[lecturer])
    translate_page(home_page, english, {"title": "Provider Academy"})
    translate_page(event, english, {"title": "Payments workshop", "city": "Shanghai"})
    return event, lecturer


def test_the_english_version_is_served_as_the_original(client, english_event):
    event, _lecturer = english_event
    response = client.get(f"/en/events/{event.slug}/")
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.pk, page.title, page.city) == (event.pk, "Payments workshop", "Shanghai")
    html = response.content.decode()
    assert "This page is available in Chinese only." not in html
    assert "支付工作坊" in client.get(f"/events/{event.slug}/").content.decode()


def test_the_english_version_is_not_a_second_event(client, english_event):
    event, lecturer = english_event
    assert [e.pk for e in selectors.feed_events()] == [event.pk]
    assert [e.pk for e in selectors.check_in_events()] == [event.pk]
    # The copy carries the lecturer too, but teaching it once is one session.
    assert list(services.sessions_taught(lecturer, now=event.end)) == [event]
    listing = client.get("/en/events/").content.decode()
    assert listing.count(f'href="/en/events/{event.slug}/"') == 1
    assert "Payments workshop" in listing


def test_titles_say_the_language_of_their_words(client, index):
    # The index's own title is Chinese; "Past events" is the academy's English.
    assert '<title lang="zh-Hans">' in client.get("/en/events/").content.decode()
    assert "<title>Past events · " in client.get("/en/events/archive/").content.decode()
