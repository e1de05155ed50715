"""Check-in at the door: signed tokens, typed codes, the check-in window, repeats, undoing a
check-in, refusals and who may do it."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from academy import roles
from events import checkin, selectors, services, signals
from events.models import AttendanceChange, EventPage, Registration
from tests.events.factories import path_of
from tests.factories import UserFactory

Status = Registration.Status


@pytest.fixture
def event(event_factory):
    """An event from 09:00 to 12:00 Shanghai time, ten days from now: check-in opens at 07:00."""
    day = timezone.now() + timedelta(days=10)
    return event_factory(start=day.replace(hour=1, minute=0, second=0, microsecond=0))


@pytest.fixture
def door_open(event):
    """Half an hour before the start: check-in is open, and so is sign-up still."""
    with time_machine.travel(event.start - timedelta(minutes=30), tick=True):
        yield


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


def test_typed_code_works_with_or_without_the_dash(event, seat, staff, door_open):
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


def test_check_in_sends_attendance_recorded(event, seat, staff, committed, door_open):
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


def test_scan_over_http_answers_json(
    door_open, staff_client, event, seat, django_assert_max_num_queries
):
    url = path_of(event, "en") + "check-in/"
    token = checkin.token_for(seat)
    # 12 are the site, page routing, session, user and permissions; the scan itself is the
    # locked read, the update, the audit entry, the programme re-check (an outbox row, written in
    # the check-in's transaction) and the count.
    # +3 on /en/: the reader's locale, the home page's version in it (Wagtail's routing) and
    # the event's English version (academy/localisation.py).
    with django_assert_max_num_queries(22):
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


def test_search_by_name_and_check_in_without_javascript(door_open, staff_client, event, seat):
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


# --- The check-in window ------------------------------------------------------------------------


def _nothing_recorded(seat):
    seat.refresh_from_db()
    assert (seat.attendance, seat.checked_in_at, seat.checked_in_by) == ("", None, None)
    assert seat.attendance_recorded_at is None and seat.attendance_recorded_by is None
    assert not AttendanceChange.objects.filter(registration=seat).exists()


def test_check_in_before_the_window_is_refused_in_words(event, seat, staff):
    # The event runs 09:00–12:00 in Shanghai; check-in opens two hours before.
    with time_machine.travel(event.start - timedelta(hours=2, minutes=1)):
        with pytest.raises(services.OutsideCheckInWindow) as refused:
            services.check_in(event, checkin.token_for(seat), by=staff)
        with pytest.raises(services.OutsideCheckInWindow):
            services.check_in_registration(event, seat.pk, by=staff)
    day = event.local_start.strftime("%B %-d")
    assert refused.value.message == f"Check-in opens at 07:00 on {day}."
    _nothing_recorded(seat)


def test_check_in_nine_days_early_is_a_4xx_over_http(staff_client, event, seat):
    url = path_of(event, "en") + "check-in/"
    response = staff_client.post(url, {"code": seat.code}, HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    data = response.json()
    assert data["outcome"] == "refused" and data["reason"] == "outside_window"
    assert data["message"].startswith("Check-in opens at 07:00 on ")
    page = staff_client.post(url, {"registration": seat.pk})
    assert page.status_code == 409
    assert "Check-in opens at 07:00" in page.content.decode()
    assert "ev-result--refused" in page.content.decode()
    _nothing_recorded(seat)


def test_check_in_after_the_window_is_refused(staff_client, event, seat, staff):
    with time_machine.travel(event.end + timedelta(minutes=1), tick=True):
        with pytest.raises(services.OutsideCheckInWindow) as refused:
            services.check_in(event, seat.code, by=staff)
        response = staff_client.post(
            path_of(event, "en") + "check-in/",
            {"registration": seat.pk},
            HTTP_ACCEPT="application/json",
        )
    assert refused.value.message.startswith("Check-in closed at 12:00 on ")
    assert "record attendance" in refused.value.message
    assert response.status_code == 409 and response.json()["reason"] == "outside_window"
    _nothing_recorded(seat)


def test_check_in_inside_the_window_is_accepted_from_its_first_to_its_last_minute(
    event, people, staff
):
    early, late = (services.register(user, event)[0] for user in people(2))
    with time_machine.travel(event.start - timedelta(hours=2)):
        assert not services.check_in(event, early.code, by=staff).already
    with time_machine.travel(event.end):
        assert not services.check_in(event, late.code, by=staff).already
    assert AttendanceChange.objects.filter(action="checked_in").count() == 2


def test_staff_change_the_window_of_one_event(event_factory, people, staff):
    start = (timezone.now() + timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)
    event = event_factory(start=start, check_in_opens_before=30, check_in_closes_after=60)
    other = event_factory(start=start)  # the default window
    seat = services.register(people(1)[0], event)[0]
    other_seat = services.register(people(1)[0], other)[0]
    with time_machine.travel(start - timedelta(minutes=45)):
        with pytest.raises(services.OutsideCheckInWindow, match="opens at 08:30"):
            services.check_in(event, seat.code, by=staff)
        assert not services.check_in(other, other_seat.code, by=staff).already
    with time_machine.travel(event.end + timedelta(minutes=59)):
        assert not services.check_in(event, seat.code, by=staff).already


def test_window_fields_are_in_the_event_editor_with_help(client, event):
    from django.utils import translation
    from django.utils.html import escape
    from wagtail.users.models import UserProfile

    editor = UserFactory(is_superuser=True, is_staff=True)
    UserProfile.objects.update_or_create(user=editor, defaults={"preferred_language": "en"})
    client.force_login(editor)
    html = client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert 'name="check_in_opens_before"' in html and 'name="check_in_closes_after"' in html
    assert "Check-in at the door" in html
    for name in ("check_in_opens_before", "check_in_closes_after"):
        with translation.override("en"):  # the editor's language
            assert escape(str(EventPage._meta.get_field(name).help_text)) in html
    event.check_in_opens_before = 24 * 60 + 1
    with pytest.raises(ValidationError):
        event.full_clean()


def test_door_page_says_when_check_in_opens(staff_client, event):
    html = staff_client.get(path_of(event, "en") + "check-in/").content.decode()
    assert "ev-door-window--early" in html and "Check-in opens at 07:00" in html


# --- A second scan ------------------------------------------------------------------------------


def test_second_scan_says_already_in_another_colour_and_records_nothing(client, event, seat, staff):
    staff.display_name = "前台小李"
    staff.save()
    client.force_login(staff)
    url = path_of(event, "en") + "check-in/"
    first_at = event.start.replace(minute=12)  # 09:12 in Shanghai
    with time_machine.travel(first_at):
        first = client.post(url, {"code": seat.code}, HTTP_ACCEPT="application/json")
    assert first.json()["outcome"] == "checked_in"
    seat.refresh_from_db()
    before = (seat.checked_in_at, seat.checked_in_by_id, seat.attendance_recorded_at)

    with time_machine.travel(first_at + timedelta(minutes=20)):
        again = client.post(url, {"code": checkin.token_for(seat)}, HTTP_ACCEPT="application/json")
        page = client.post(url, {"code": seat.code})
    assert again.status_code == 200
    data = again.json()
    assert data["outcome"] == "already"
    assert "already checked in at 09:12 by 前台小李" in data["message"]
    html = page.content.decode()
    assert "ev-result--already" in html and "ev-result--checked_in" not in html
    seat.refresh_from_db()
    assert (seat.checked_in_at, seat.checked_in_by_id, seat.attendance_recorded_at) == before
    assert AttendanceChange.objects.filter(registration=seat).count() == 1


def test_already_has_its_own_colour_in_the_stylesheet_and_the_scanner():
    from pathlib import Path

    static = Path(__file__).resolve().parents[2] / "events" / "static" / "events"
    css = (static / "css" / "events.css").read_text()
    rule = css.split(".ev-result--already {", 1)[1].split("}", 1)[0]
    success = css.split(".ev-result--checked_in {", 1)[1].split("}", 1)[0]
    assert "warning" in rule and rule != success
    assert '"ev-result ev-result--" + (data.outcome' in (static / "js" / "check_in.js").read_text()


# --- Undoing a check-in -------------------------------------------------------------------------


def test_staff_undo_a_check_in_audited_and_it_stops_counting(
    door_open, staff_client, staff, event, seat, django_capture_on_commit_callbacks
):
    services.check_in(event, seat.code, by=staff)
    assert list(services.events_attended(seat.user)) == [event]
    checked_in_at = Registration.objects.get(pk=seat.pk).checked_in_at
    received = []

    def receiver(sender, registration, attendance, previous, **kwargs):
        received.append((attendance, previous))

    signals.attendance_recorded.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                path_of(event, "en") + "check-in/undo/",
                {"registration": seat.pk, "reason": "扫错了人"},
            )
    finally:
        signals.attendance_recorded.disconnect(receiver)
    assert response.status_code == 302 and response["Location"].endswith("/check-in/")
    seat.refresh_from_db()
    assert seat.status == Status.CONFIRMED
    assert (seat.attendance, seat.checked_in_at, seat.checked_in_by) == ("", None, None)
    undo = AttendanceChange.objects.get(registration=seat, action="undone")
    assert (undo.by, undo.by_name, undo.reason) == (staff, str(staff), "扫错了人")
    assert undo.checked_in_at == checked_in_at and undo.attendance_before == "attended"
    assert undo.at is not None and undo.attendance_after == ""
    assert received == [("", "attended")]
    assert list(services.events_attended(seat.user)) == []
    assert selectors.check_in_counts(event)["checked_in"] == 0
    # The person can be checked in again, and that is audited too.
    assert not services.check_in(event, seat.code, by=staff).already
    assert AttendanceChange.objects.filter(registration=seat).count() == 3


def test_undo_button_on_the_door_lists(door_open, staff_client, staff, event, seat):
    services.check_in(event, seat.code, by=staff)
    url = path_of(event, "en") + "check-in/"
    html = staff_client.get(url, {"q": seat.code}).content.decode()
    assert html.count(f'action="{url}undo/') == 2  # in the search result and the latest list
    assert 'name="reason"' in html


def test_undo_is_refused_for_others_and_for_what_is_not_checked_in(
    door_open, client, staff, event, seat, people
):
    url = path_of(event, "en") + "check-in/undo/"
    client.force_login(people(1)[0])
    assert client.post(url, {"registration": seat.pk}).status_code == 403
    client.force_login(staff)
    response = client.post(url, {"registration": seat.pk})
    assert response.status_code == 409 and "is not checked in" in response.content.decode()
    assert client.post(url, {"registration": "99999999999999999999"}).status_code == 400
    assert client.post(url, {"registration": "x"}).status_code == 400
    assert client.get(url).status_code == 405
    assert not AttendanceChange.objects.exists()


def test_undo_after_attendance_was_closed_makes_a_no_show(event, seat, staff):
    with time_machine.travel(event.start):
        services.check_in(event, seat.code, by=staff)
    with time_machine.travel(event.end + timedelta(hours=1)):
        services.record_attendance(event, {}, by=staff, close=True)
        event.refresh_from_db()
        services.undo_check_in(event, seat.pk, by=staff)
    seat.refresh_from_db()
    assert seat.attendance == Registration.Attendance.NO_SHOW and seat.checked_in_at is None


def test_undone_attendance_no_longer_counts_toward_a_programme(event, seat, staff):
    from certification.models import Requirement
    from certification.services.programmes import programme_progress
    from tests.certification.factories_programmes import make_programme

    programme = make_programme(requirements=[(1, Requirement.Kind.EVENTS_ATTENDED, {"count": 1})])
    with time_machine.travel(event.start):
        services.check_in(event, seat.code, by=staff)
        assert programme_progress(seat.user, programme).complete
        services.undo_check_in(event, seat.pk, by=staff, reason="wrong person")
        assert not programme_progress(seat.user, programme).complete


# --- The attendee's ticket ----------------------------------------------------------------------


def test_ticket_says_checked_in_and_no_longer_offers_to_cancel(
    door_open, client, staff, event, seat, index
):
    client.force_login(seat.user)
    ticket = path_of(index, "en") + f"registrations/{seat.pk}/"
    assert "cancel/" in client.get(ticket).content.decode()
    done = services.check_in(event, seat.code, by=staff)
    html = client.get(ticket).content.decode()
    assert f"Checked in at {timezone.localtime(done.at, event.tzinfo):%H:%M}." in html
    assert "cancel/" not in html
    page = client.get(path_of(event, "en")).content.decode()
    assert "Checked in at" in page and "cancel/" not in page
    refused = client.post(ticket + "cancel/")
    assert refused.status_code == 409
    assert "already checked in" in refused.content.decode()
    seat.refresh_from_db()
    assert seat.status == Status.CONFIRMED


def test_joining_or_leaving_event_staff_applies_to_the_next_request(settings, client, event):
    """The answer of can_check_in is kept per user on the content version: a change of group
    must show at once, both ways (taking access away above all)."""
    settings.FRAGMENT_CACHE_SECONDS = 600
    user = UserFactory()
    client.force_login(user)
    desk = path_of(event) + "check-in/"
    assert client.get(desk).status_code == 403
    assert client.get(desk).status_code == 403  # now kept
    staff = Group.objects.get(name=roles.EVENT_STAFF)
    user.groups.add(staff)
    assert client.get(desk).status_code == 200
    user.groups.remove(staff)
    assert client.get(desk).status_code == 403
    assert selectors.can_check_in(user) is False
