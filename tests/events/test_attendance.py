"""Attendance after the event, what other apps read (attended, taught, ratings), and ratings."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from events import services, signals
from events.models import AttendanceChange, EventKind, Notification, Registration
from tests.events.factories import path_of
from tests.factories import LecturerProfileFactory

Attendance = Registration.Attendance


@pytest.fixture
def lecturer(db):
    return LecturerProfileFactory()


@pytest.fixture
def session(event_factory, lecturer):
    """A lecturer-led session that starts in an hour."""
    return event_factory(
        kind=EventKind.LECTURER_SESSION,
        start=timezone.now() + timedelta(hours=1),
        lecturers=[lecturer],
        capacity=5,
    )


@pytest.fixture
def seats(session, people):
    return [services.register(user, session)[0] for user in people(3)]


def after(event, hours=4):
    return time_machine.travel(event.start + timedelta(hours=hours))


def test_attendance_is_recorded_after_the_start_only(session, seats, staff):
    with pytest.raises(services.AttendanceNotOpen):
        services.record_attendance(session, {seats[0].pk: Attendance.ATTENDED}, by=staff)
    with after(session, hours=1):
        changed = services.record_attendance(
            session,
            {seats[0].pk: Attendance.ATTENDED, seats[1].pk: Attendance.PARTIAL},
            by=staff,
        )
    assert changed == 2
    seats[1].refresh_from_db()
    assert seats[1].attendance == Attendance.PARTIAL and seats[1].attendance_recorded_by == staff


def test_staff_record_attendance_after_the_event_audited(staff_client, session, seats, staff):
    """The door is closed after the event; staff still record who came, and the trail says who
    recorded what, when."""
    with after(session, hours=6), pytest.raises(services.OutsideCheckInWindow):
        services.check_in(session, seats[0].code, by=staff)
    url = f"/admin/events/{session.pk}/attendance/"
    recorded_at = session.start + timedelta(hours=6)
    with time_machine.travel(recorded_at, tick=False):
        response = staff_client.post(
            url, {f"r{seats[0].pk}": Attendance.ATTENDED, f"r{seats[1].pk}": Attendance.NO_SHOW}
        )
    assert response.status_code == 302
    assert list(services.events_attended(seats[0].user)) == [session]
    entries = AttendanceChange.objects.filter(registration__event=session).order_by("pk")
    assert [
        (e.registration_id, e.action, e.attendance_before, e.attendance_after) for e in entries
    ] == [
        (seats[0].pk, "recorded", "", "attended"),
        (seats[1].pk, "recorded", "", "no_show"),
    ]
    assert {(e.by, e.by_name, e.at) for e in entries} == {(staff, str(staff), recorded_at)}
    history = staff_client.get(url).content.decode()
    assert str(seats[0].user) in history and str(staff) in history
    # Saving the same statuses again changes nothing and adds nothing to the trail.
    with after(session, hours=7):
        services.record_attendance(session, {seats[0].pk: Attendance.ATTENDED}, by=staff)
    assert entries.count() == 2


def test_unknown_status_is_refused(session, seats, staff):
    with after(session), pytest.raises(services.InvalidInput):
        services.record_attendance(session, {seats[0].pk: "maybe"}, by=staff)


def test_closing_marks_the_rest_no_show_credits_lecturers_and_asks_for_ratings(
    session, seats, staff, lecturer, committed, outbox
):
    taught, recorded = [], []

    def receiver(sender, event, lecturer, **kwargs):
        taught.append((event.pk, lecturer.pk))

    def recorder(sender, registration, attendance, previous, **kwargs):
        recorded.append(attendance)

    signals.session_taught.connect(receiver)
    signals.attendance_recorded.connect(recorder)
    try:
        with after(session, hours=1):
            services.check_in(session, seats[0].code, by=staff)
        with after(session):
            outbox.clear()
            committed(
                services.record_attendance,
                session,
                {seats[1].pk: Attendance.PARTIAL},
                by=staff,
                close=True,
            )
            committed(services.record_attendance, session, {}, by=staff, close=True)  # again
    finally:
        signals.session_taught.disconnect(receiver)
        signals.attendance_recorded.disconnect(recorder)

    assert [r.attendance for r in Registration.objects.filter(event=session).order_by("pk")] == [
        Attendance.ATTENDED,
        Attendance.PARTIAL,
        Attendance.NO_SHOW,
    ]
    assert taught == [(session.pk, lecturer.pk)]
    # The check-in announces itself too: signals are sent inside the change's transaction.
    assert sorted(recorded) == ["attended", "no_show", "partial"]
    assert sorted(m.to[0] for m in outbox) == sorted([seats[0].user.email, seats[1].user.email])
    assert Notification.objects.filter(kind=Notification.Kind.RATING).count() == 2


def test_closing_before_the_end_is_refused(session, seats, staff):
    with after(session, hours=1), pytest.raises(services.AttendanceNotOpen):
        services.record_attendance(session, {}, by=staff, close=True)


# --- What certification reads -------------------------------------------------------------------


def test_events_attended_by_a_user_optionally_of_a_kind(event_factory, session, seats, staff):
    workshop = event_factory(start=timezone.now() + timedelta(hours=1))
    person = seats[0].user
    other = services.register(person, workshop)[0]
    with after(session):
        services.record_attendance(session, {seats[0].pk: Attendance.ATTENDED}, by=staff)
        services.record_attendance(workshop, {other.pk: Attendance.PARTIAL}, by=staff)
    assert list(services.events_attended(person)) == [session]
    assert set(services.events_attended(person, include_partial=True)) == {session, workshop}
    assert list(services.events_attended(person, kind=EventKind.WORKSHOP)) == []
    assert list(services.events_attended(seats[1].user)) == []


def test_sessions_taught_are_those_that_took_place(event_factory, session, lecturer, staff):
    cancelled = event_factory(kind=EventKind.LECTURER_SESSION, lecturers=[lecturer])
    services.cancel_event(cancelled, by=staff)
    assert list(services.sessions_taught(lecturer)) == []
    with after(session):
        assert list(services.sessions_taught(lecturer)) == [session]
        assert list(services.sessions_taught(lecturer, kind=EventKind.WORKSHOP)) == []
        assert list(services.sessions_taught(LecturerProfileFactory())) == []


# --- Ratings ------------------------------------------------------------------------------------


def test_attendees_rate_the_session_after_it_and_the_lecturer_sees_the_mean(
    session, seats, staff, lecturer
):
    with after(session):
        services.record_attendance(
            session,
            {seats[0].pk: Attendance.ATTENDED, seats[1].pk: Attendance.PARTIAL},
            by=staff,
        )
        services.rate_session(seats[0].user, session, score=5, comment="讲得很清楚")
        services.rate_session(seats[1].user, session, score=3)
        services.rate_session(seats[1].user, session, score=4)  # changes their rating
        with pytest.raises(services.RatingNotAllowed):
            services.rate_session(seats[2].user, session, score=1)  # did not come
        with pytest.raises(services.InvalidInput):
            services.rate_session(seats[0].user, session, score=6)
    summary = services.lecturer_ratings(lecturer)
    assert (summary.count, summary.average) == (2, 4.5)
    assert {r.comment for r in summary.ratings} == {"讲得很清楚", ""}


def test_rating_before_the_end_or_of_a_workshop_is_refused(event_factory, session, seats, staff):
    with after(session, hours=1):
        services.record_attendance(session, {seats[0].pk: Attendance.ATTENDED}, by=staff)
        with pytest.raises(services.RatingNotAllowed):
            services.rate_session(seats[0].user, session, score=5)
    workshop = event_factory(start=timezone.now() - timedelta(days=2))
    with pytest.raises(services.RatingNotAllowed):
        services.rate_session(seats[0].user, workshop, score=5)


def test_rating_form_on_the_event_page(client, session, seats, staff):
    attendee = seats[0].user
    client.force_login(attendee)
    with after(session):
        services.record_attendance(session, {seats[0].pk: Attendance.ATTENDED}, by=staff)
        page = client.get(path_of(session, "en"))
        assert "How was the session?" in page.content.decode()
        bad = client.post(path_of(session) + "rate/", {"score": "9"})
        assert bad.status_code == 400
        done = client.post(path_of(session) + "rate/", {"score": "4", "comment": "很实用"})
        assert done.status_code == 302 and done["Location"].endswith("#rate")
        client.force_login(seats[2].user)
        refused = client.post(path_of(session) + "rate/", {"score": "4"})
        assert refused.status_code == 403
    assert services.lecturer_ratings(session.lecturer_links.get().lecturer).count == 1
