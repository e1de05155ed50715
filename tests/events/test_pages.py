"""The listing, the archive, an event page, the ticket and My academy, through HTTP."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import EventKind, Registration
from tests.events.factories import bulk_events, path_of
from tests.factories import UserFactory

Status = Registration.Status


# --- Listing ------------------------------------------------------------------------------------


def test_listing_shows_upcoming_events_in_order_and_the_archive_past_ones(client, event_factory):
    now = timezone.now()
    later = event_factory(title="成都开放日", start=now + timedelta(days=20))
    sooner = event_factory(title="上海工作坊", start=now + timedelta(days=2))
    past = event_factory(title="杭州讲师课", start=now - timedelta(days=10))

    response = client.get("/events/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(sooner.title) < html.index(later.title)
    assert past.title not in html

    archive = client.get("/events/archive/").content.decode()
    assert past.title in archive and sooner.title not in archive


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"city": "北京"}, {"北京工作坊"}),
        ({"kind": EventKind.LECTURER_SESSION}, {"深圳讲师课"}),
        ({"city": "上海", "kind": EventKind.WORKSHOP}, {"上海工作坊"}),
    ],
)
def test_listing_filters_by_city_and_kind(client, event_factory, query, expected):
    event_factory(title="上海工作坊", city="上海")
    event_factory(title="北京工作坊", city="北京")
    event_factory(title="深圳讲师课", city="深圳", kind=EventKind.LECTURER_SESSION)
    response = client.get("/events/", query)
    assert response.status_code == 200
    titles = {event.title for event in response.context["events"]}
    assert titles == expected


def test_listing_filters_by_month_in_the_sites_time_zone(client, event_factory):
    zone = timezone.get_default_timezone()
    year = timezone.now().year + 1
    # 23:30 on 31 January in Shanghai is still January there, though February 1st has begun in
    # no zone yet: the month follows the site's time zone, not UTC.
    event_factory(title="一月末", start=datetime(year, 1, 31, 23, 30, tzinfo=zone))
    event_factory(title="二月初", start=datetime(year, 2, 1, 0, 30, tzinfo=zone))
    response = client.get("/events/", {"month": f"{year}-02"})
    assert [e.title for e in response.context["events"]] == ["二月初"]
    assert f'value="{year}-01"' in response.content.decode()


def test_listing_with_bad_filters_is_a_400_with_a_message(client, event):
    response = client.get("/en/events/", {"month": "2026-13", "kind": "rave"})
    assert response.status_code == 400
    assert "Some filters were not understood" in response.content.decode()


def test_listing_is_paginated_and_has_an_empty_state(client, index):
    empty = client.get("/en/events/")
    assert "No events are scheduled right now." in empty.content.decode()
    bulk_events(index, 14)
    first = client.get("/events/")
    assert len(first.context["events"]) == 12
    second = client.get("/events/", {"page": 2})
    assert len(second.context["events"]) == 2
    assert client.get("/events/", {"page": "x"}).status_code == 200
    filtered = client.get("/en/events/", {"city": "北京", "kind": EventKind.OPEN_DAY})
    assert "No event matches these filters." in filtered.content.decode()


@pytest.mark.parametrize("count", [10, 300])
def test_listing_query_count_does_not_grow_with_events(
    client, index, user, count, django_assert_max_num_queries
):
    events = bulk_events(index, count)
    for event in events[:5]:
        services.register(user, event)
    client.force_login(user)
    # Site, routing, session, user, permissions and site settings take 14 of these; the listing's
    # own (cities, months, count, page, lecturers, the user's registrations) stay the same for
    # 10 events or 300.
    # +3 on /en/: the reader's locale, the home page's version in it (Wagtail's routing) and
    # the English versions of the listed events (academy/localisation.py).
    with django_assert_max_num_queries(25):
        response = client.get("/events/")
    assert response.status_code == 200
    assert len(response.context["events"]) == min(count, 12)


def test_cards_say_how_many_seats_are_left_and_when_it_is_full(client, event_factory, people):
    roomy = event_factory(title="还有位置", capacity=5)
    full = event_factory(title="已满员", capacity=1)
    first, second = people(2)
    services.register(first, roomy)
    services.register(first, full)
    services.register(second, full)
    response = client.get("/en/events/")
    cards = {event.title: event.availability for event in response.context["events"]}
    assert (cards["还有位置"].state, cards["还有位置"].seats_left) == ("open", 4)
    assert (cards["已满员"].state, cards["已满员"].waiting) == ("waitlist", 1)
    assert "Full · waitlist open" in response.content.decode()


# --- Event page and sign-up ---------------------------------------------------------------------


def test_event_page_invites_visitors_to_log_in(client, event):
    response = client.get(path_of(event))
    assert response.status_code == 200
    assert "/accounts/login/?next=" in response.content.decode()
    assert response.context["availability"].state == "open"


def test_member_signs_up_over_http_and_sees_the_seat(member_client, member, event):
    response = member_client.post(path_of(event) + "register/")
    assert response.status_code == 302
    assert response["Location"].endswith("#registration")
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == Status.CONFIRMED
    page = member_client.get(path_of(event))
    assert page.context["registration"] == registration
    assert registration.display_code in page.content.decode()


def test_sign_up_requires_login_and_post(client, event):
    response = client.post(path_of(event) + "register/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(path_of(event) + "register/").status_code == 405


def test_sign_up_with_missing_answers_is_a_400(member_client, event_factory):
    event = event_factory(ask_role=True)
    response = member_client.post(path_of(event) + "register/", {"job_role": ""})
    assert response.status_code == 400
    assert not Registration.objects.filter(event=event).exists()


def test_refused_sign_up_is_a_4xx_with_the_reason(client, event_factory):
    from events.models import Audience

    event = event_factory(audience=Audience.LECTURERS)
    client.force_login(UserFactory())
    response = client.post(path_of(event, "en") + "register/")
    assert response.status_code == 403
    assert "for the academy&#x27;s lecturers" in response.content.decode()


def test_full_event_puts_the_member_on_the_waitlist_with_a_position(client, event_factory, people):
    event = event_factory(capacity=1)
    first, second = people(2)
    services.register(first, event)
    client.force_login(second)
    client.post(path_of(event, "en") + "register/")
    page = client.get(path_of(event, "en"))
    assert page.context["position"] == 1
    assert "You're on the waitlist: number 1." in page.content.decode()


def test_calendar_file_of_one_event(client, event):
    response = client.get(path_of(event) + "calendar/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]


# --- Ticket, cancel, claim: only one's own ------------------------------------------------------


def test_ticket_shows_the_qr_code_and_code(member_client, member, event):
    registration = services.register(member, event)[0]
    response = member_client.get(f"/events/registrations/{registration.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert registration.display_code in html


def test_another_users_registration_is_a_404(member_client, event):
    other = services.register(UserFactory(), event)[0]
    base = f"/events/registrations/{other.pk}/"
    assert member_client.get(base).status_code == 404
    assert member_client.post(base + "cancel/").status_code == 404
    assert member_client.post(base + "claim/").status_code == 404
    other.refresh_from_db()
    assert other.status == Status.CONFIRMED
    assert member_client.get("/events/registrations/999999/").status_code == 404


def test_ticket_needs_login(client, event):
    registration = services.register(UserFactory(), event)[0]
    response = client.get(f"/events/registrations/{registration.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_cancel_over_http_then_sign_up_again(member_client, member, event):
    registration = services.register(member, event)[0]
    response = member_client.post(f"/events/registrations/{registration.pk}/cancel/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert member_client.get(f"/events/registrations/{registration.pk}/cancel/").status_code == 405
    member_client.post(path_of(event) + "register/")
    assert (
        Registration.objects.filter(event=event, user=member, status=Status.CONFIRMED).count() == 1
    )


def test_cancel_after_the_start_is_a_409_with_a_message(member_client, member, event_factory):
    import time_machine

    event = event_factory(start=timezone.now() + timedelta(hours=1))
    registration = services.register(member, event)[0]
    with time_machine.travel(event.start + timedelta(minutes=5)):
        response = member_client.post(f"/en/events/registrations/{registration.pk}/cancel/")
    assert response.status_code == 409
    assert "can no longer be cancelled" in response.content.decode()


def test_claim_without_an_offer_is_a_409(member_client, member, event):
    registration = services.register(member, event)[0]
    services.cancel(registration)
    response = member_client.post(f"/events/registrations/{registration.pk}/claim/")
    assert response.status_code == 409


# --- My academy ---------------------------------------------------------------------------------


def test_my_academy_lists_upcoming_with_qr_and_past_with_attendance(
    member_client, member, event_factory, people
):
    coming = event_factory(title="下周的工作坊", capacity=1)
    full = event_factory(title="满员的工作坊", capacity=1)
    services.register(people(1)[0], full)
    services.register(member, coming)
    services.register(member, full)
    past = event_factory(title="上月的讲师课", start=timezone.now() - timedelta(days=30))
    Registration.objects.create(
        event=past, user=member, status=Status.CONFIRMED, code="PASTCODE", attendance="attended"
    )
    response = member_client.get("/en/my-academy/")
    html = response.content.decode()
    section = response.context["sections"]["events"]
    assert [r.event.title for r in section.context["upcoming_registrations"]] == [
        "下周的工作坊",
        "满员的工作坊",
    ]
    assert "Waitlist · number 1" in html
    assert html.count('class="qr-code"') == 1
    assert "上月的讲师课" in html and "Attended" in html


# --- The fast sign-up URL (events/urls.py, included by academy/urls.py) -------------------------


def test_sign_up_url_outside_the_page_tree(
    member_client, member, event, django_assert_max_num_queries
):
    # 13: one of them records the confirmation e-mail in the outbox (sent after commit).
    with django_assert_max_num_queries(13):
        response = member_client.post(f"/events/{event.slug}/register/")
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.slug}/#registration"
    assert Registration.objects.get(event=event, user=member).status == Status.CONFIRMED
    assert member_client.get(f"/events/{event.slug}/register/").status_code == 405
    assert member_client.post("/events/no-such-event/register/").status_code == 404


def test_restricted_event_is_served_by_wagtail_with_its_restriction(member_client, event):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=event, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = member_client.post(f"/events/{event.slug}/register/")
    assert response.status_code == 200  # Wagtail's password form, not a sign-up
    assert not Registration.objects.filter(event=event).exists()


def test_the_kept_sign_up_event_follows_privacy_and_unpublishing(
    settings, client, event, index, django_assert_max_num_queries
):
    """The sign-up URL keeps its event until content changes (selectors.signup_event): a privacy
    change above it or unpublishing it applies to the very next sign-up."""
    from wagtail.models import PageViewRestriction

    from tests.factories import MembershipFactory

    settings.FRAGMENT_CACHE_SECONDS = 600
    url = f"/events/{event.slug}/register/"
    first, second, third, fourth = (MembershipFactory().user for _ in range(4))
    client.force_login(first)
    assert client.post(url).status_code == 302  # keeps the event
    client.force_login(second)
    # 8: session and user, the event lock and its count, the registration, the outbox row,
    # and after commit marking it sent (the kept event costs none).
    with django_assert_max_num_queries(8):
        assert client.post(url).status_code == 302

    # Groups, and none chosen: nobody may see the event now.
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.GROUPS)
    client.force_login(third)
    response = client.post(url)
    assert response.status_code in {200, 302, 403}
    assert not Registration.objects.filter(event=event, user=third).exists()

    PageViewRestriction.objects.filter(page=index).delete()
    event.unpublish()
    client.force_login(fourth)
    assert client.post(url).status_code == 404
    assert not Registration.objects.filter(event=event, user=fourth).exists()
    assert Registration.objects.filter(event=event).count() == 2
