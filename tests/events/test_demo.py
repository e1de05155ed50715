"""The demo events: every city, a nearly full workshop and a full one with a waitlist, the demo
lecturer's session, and a past one with attendance. Seeding twice changes nothing."""

from io import StringIO

from django.core.management import call_command

from academy.localisation import originals
from academy.models import HomePage, LecturerProfile
from events import demo, services
from events.models import AttendanceChange, EventPage, Registration, SessionRating


def test_demo_events_tell_the_story_and_seed_idempotently(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)  # seed_demo runs events' demo.seed
    home = originals(HomePage.objects).get()
    counts = (
        EventPage.objects.count(),
        Registration.objects.count(),
        SessionRating.objects.count(),
    )
    demo.seed(home, StringIO())
    assert (
        EventPage.objects.count(),
        Registration.objects.count(),
        SessionRating.objects.count(),
    ) == counts
    assert "Created event" in out.getvalue()

    events = {e.city: e for e in EventPage.objects.live()}
    assert {"上海", "北京", "深圳", "成都"} <= set(events)
    shanghai, beijing = events["上海"], events["北京"]
    assert 0 < shanghai.capacity - services.seats_held(shanghai) <= 3  # nearly full
    assert services.seats_held(beijing) == beijing.capacity
    assert beijing.registrations.filter(status="waitlisted").exists()

    lecturer = LecturerProfile.objects.get(user__email="lecturer@example.com")
    assert events["深圳"].lecturer_links.filter(lecturer=lecturer).exists()
    past = [e for e in EventPage.objects.live() if e.has_ended()]
    assert past and past[0].attendance_closed_at
    assert past[0].registrations.filter(attendance="attended").exists()
    # Door check-ins happened inside the check-in window, by the demo's event staff, and the
    # audit trail has each of them and the staff's recording after the event.
    checked_in = past[0].registrations.filter(checked_in_at__isnull=False)
    assert checked_in.exists()
    assert all(
        past[0].check_in_window(r.checked_in_at) == "open"
        and r.checked_in_by.email == "events@example.com"
        for r in checked_in.select_related("checked_in_by")
    )
    assert not checked_in.exclude(attendance_changes__action="checked_in").exists()
    assert AttendanceChange.objects.filter(
        registration__event=past[0], action="recorded", by__email="events@example.com"
    ).exists()
    assert services.lecturer_ratings(lecturer).count > 0
    member = Registration.objects.filter(user__email="member@example.com")
    assert member.filter(status="confirmed").count() == 2
