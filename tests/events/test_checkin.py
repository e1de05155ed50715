"""Check-in at the door: signed tokens, typed codes, repeats, refusals and who may do it."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from academy import roles
from events import checkin, services, signals
from events.models import Registration
from tests.events.factories import path_of
from tests.factories import UserFactory

Status = Registration.Status


@pytest.fixture
def seat(event, user):
    return services.register(user, event)[0]


def test_token_is_signed_for_one_registration(seat):
    token = checkin.token_for(seat)
    parsed = checkin.parse_token(token)
    assert parsed.registration_id == seat.pk and parsed.event_id == seat.event_id
    assert checkin.token_matches(seat, parsed)
    assert token == token.upper() and len(token) < 60  # QR alphanumeric mode


def test_forged_tokens_are_refused(event_factory, event, seat, staff, people):
    other_event = event_factory()
    other_seat = services.register(people(1)[0], other_event)[0]
    _, event_id, registration_id, mac = checkin.token_for(seat).split("-")
    forgeries = [
        f"PA1-{event_id}-{registration_id}-{'A' * 24}",  # guessed MAC
        f"PA1-{event_id}-{other_seat.pk}-{mac}",  # someone else's registration
        f"PA1-{other_event.pk}-{registration_id}-{mac}",  # the same MAC for another event
        f"PA1-{event_id}-{registration_id}-{mac[:-1]}{'B' if mac[-1] != 'B' else 'C'}",
    ]
    for forged in forgeries:
        with pytest.raises(services.InvalidCode):
            services.check_in(event, forged, by=staff)
    seat.refresh_from_db()
    assert seat.checked_in_at is None


def test_scan_checks_in_once_and_a_repeat_says_when(event, seat, staff):
    token = checkin.token_for(seat)
    at = event.start.replace(hour=2, minute=2)  # 10:02 in Shanghai
    with time_machine.travel(at):
        done = services.check_in(event, token, by=staff)
    assert not done.already
    seat.refresh_from_db()
    assert seat.attendance == Registration.Attendance.ATTENDED
    assert seat.checked_in_at == at and seat.checked_in_by == staff

    with time_machine.travel(at + timedelta(minutes=7)):
        again = services.check_in(event, token, by=UserFactory())
    assert again.already and again.at == at and again.by == staff


def test_typed_code_works_with_or_without_the_dash(event, seat, staff):
    typed = f" {seat.code[:4].lower()}-{seat.code[4:]} "
    assert services.check_in(event, typed, by=staff).registration == seat
    with pytest.raises(services.InvalidCode):
        services.check_in(event, "ZZZZ-ZZZZ", by=staff)
    with pytest.raises(services.InvalidCode):
        services.check_in(event, "hello", by=staff)


def test_code_for_another_event_is_refused_with_its_title(event_factory, event, staff, people):
    other_event = event_factory(title="北京工作坊")
    other_seat = services.register(people(1)[0], other_event)[0]
    with pytest.raises(services.CheckInRefused) as refused:
        services.check_in(event, checkin.token_for(other_seat), by=staff)
    assert "北京工作坊" in refused.value.message


def test_cancelled_and_waitlisted_registrations_are_refused(event_factory, staff, people):
    event = event_factory(capacity=1)
    holder, waiting = people(2)
    seat = services.register(holder, event)[0]
    queued = services.register(waiting, event)[0]
    with pytest.raises(services.CheckInRefused, match="no confirmed seat"):
        services.check_in(event, checkin.token_for(queued), by=staff)
    services.cancel(seat)
    with pytest.raises(services.CheckInRefused, match="cancelled"):
        services.check_in(event, checkin.token_for(seat), by=staff)


def test_check_in_sends_attendance_recorded(event, seat, staff, committed):
    received = []

    def receiver(sender, registration, attendance, previous, **kwargs):
        received.append((registration.pk, attendance, previous))

    signals.attendance_recorded.connect(receiver)
    try:
        committed(services.check_in, event, seat.code, by=staff)
    finally:
        signals.attendance_recorded.disconnect(receiver)
    assert received == [(seat.pk, "attended", "")]


# --- The page -----------------------------------------------------------------------------------


def test_only_event_staff_open_the_check_in_page(client, event, staff):
    url = path_of(event) + "check-in/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.ACADEMY_EDITORS))
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 200


def test_members_cannot_check_in_by_post(member_client, event, seat):
    response = member_client.post(
        path_of(event) + "check-in/", {"code": seat.code}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403
    seat.refresh_from_db()
    assert seat.checked_in_at is None


def test_scan_over_http_answers_json(staff_client, event, seat, django_assert_max_num_queries):
    url = path_of(event, "en") + "check-in/"
    token = checkin.token_for(seat)
    # 12 are the site, page routing, session, user and permissions; the scan itself is the
    # locked read, the update and the count.
    with django_assert_max_num_queries(17):
        response = staff_client.post(url, {"code": token}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["outcome"] == "checked_in" and data["checked_in_count"] == 1
    assert str(seat.user) in data["message"]

    again = staff_client.post(url, {"code": token}, HTTP_ACCEPT="application/json").json()
    assert again["outcome"] == "already"
    assert f"already checked in at {again['time']}" in again["message"]

    refused = staff_client.post(
        url, {"code": "PA1-1-1-" + "A" * 24}, HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 400 and refused.json()["outcome"] == "refused"
    empty = staff_client.post(url, {"code": ""}, HTTP_ACCEPT="application/json")
    assert empty.status_code == 400


def test_repeated_scan_shows_the_time_of_the_first(staff_client, staff, event, seat):
    at = event.start.replace(hour=2, minute=2)  # 10:02 in Shanghai
    with time_machine.travel(at):
        services.check_in(event, seat.code, by=staff)
    response = staff_client.post(path_of(event, "en") + "check-in/", {"code": seat.code})
    assert response.status_code == 200
    assert "already checked in at 10:02" in response.content.decode()


def test_search_by_name_and_check_in_without_javascript(staff_client, event, seat):
    url = path_of(event, "en") + "check-in/"
    page = staff_client.get(url, {"q": str(seat.user)[:3]})
    assert seat in page.context["results"]
    assert staff_client.get(url, {"q": seat.code[:4]}).context["results"] == [seat]
    response = staff_client.post(url, {"registration": seat.pk})
    assert response.status_code == 200
    assert "is checked in at" in response.content.decode()
    seat.refresh_from_db()
    assert seat.checked_in_at is not None
    assert staff_client.post(url, {"registration": "x"}).status_code == 400


def test_check_in_picker_lists_running_and_coming_events(staff_client, event_factory, staff):
    running = event_factory(title="正在进行", start=timezone.now() - timedelta(hours=1))
    later = event_factory(title="下个月的活动", start=timezone.now() + timedelta(days=30))
    event_factory(title="上周的活动", start=timezone.now() - timedelta(days=7))
    services.cancel_event(event_factory(title="取消的活动"), by=staff)
    response = staff_client.get("/events/check-in/")
    assert [e.title for e in response.context["events"]] == [running.title, later.title]


def test_admin_menu_leads_to_the_check_in_page(staff_client, index):
    response = staff_client.get("/admin/events/check-in/")
    assert response.status_code == 302 and response["Location"].endswith("/events/check-in/")
