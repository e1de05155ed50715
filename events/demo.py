"""Demo events for `seed_demo`, from demo/events/events.yaml and live_qa.yaml: city workshops, a
lecturer-led session, an open day, and one that already took place with its attendance, ratings
and answered live Q&A.

    from events import demo
    demo.seed(home_page, self.stdout)

Idempotent: pages are looked up by slug, people by e-mail; registrations are only added to an
event that has none, questions only to a board that has none. Dates are relative to the first
run, so the demo always has events coming up in the following weeks.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from academy.demo_data import load
from academy.models import LecturerProfile

from . import checkin
from .models import (
    AttendanceChange,
    Audience,
    EventIndexPage,
    EventLecturer,
    EventPage,
    LiveQuestion,
    LiveQuestionVote,
    Registration,
    SessionRating,
)

ASKED_BY_DEFAULT = ("company", "role")


def seed(home_page, stdout) -> EventIndexPage:
    """Create the demo events under `home_page` (once); returns the events listing."""
    data = load("events/events.yaml")
    User = get_user_model()
    with transaction.atomic():
        index = _index(home_page, data["index"], stdout)
        member = User.objects.filter(email=data["member"]).first()
        attendees = _attendees(data["attendees"])
        for spec in data["events"]:
            event = _event(index, spec, stdout)
            if not Registration.objects.filter(event=event).exists():
                _registrations(event, spec, data, attendees, member)
        _live_qa(index, stdout)
    return index


def _index(home_page, fields: dict, stdout) -> EventIndexPage:
    index = EventIndexPage.objects.first()
    if index is None:
        index = EventIndexPage(**fields)
        home_page.add_child(instance=index)
        index.save_revision().publish()
        stdout.write("Created the events listing.\n")
    return index


def _attendees(names: list[str]) -> list:
    """Made-up people who fill the seats (attendee01@example.com …); they cannot log in."""
    User = get_user_model()
    people = []
    for n, name in enumerate(names, start=1):
        email = f"attendee{n:02d}@example.com"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, username=f"attendee{n:02d}", display_name=name)
            user.set_unusable_password()
            user.save()
        people.append(user)
    return people


def starts_at(spec: dict) -> datetime:
    """An event's start: `starts_in_days` from today, at its local time `at` ("HH:MM")."""
    day = timezone.localdate() + timedelta(days=spec["starts_in_days"])
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(spec["at"])))


def _event(index: EventIndexPage, spec: dict, stdout) -> EventPage:
    event = EventPage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if event is not None:
        return event
    start = starts_at(spec)
    asks = spec.get("ask", ASKED_BY_DEFAULT)
    event = EventPage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        description=spec["description"],
        agenda=[
            ("item", {"time": row["time"], "item": row["item"], "speaker": row.get("speaker", "")})
            for row in spec["agenda"]
        ],
        kind=spec["kind"],
        audience=spec.get("audience", Audience.SIGNED_IN),
        city=spec["city"],
        venue=spec["venue"],
        address=spec["address"],
        start=start,
        end=start + timedelta(hours=spec["hours"]),
        capacity=spec["capacity"],
        signup_opens=start - timedelta(days=60),
        signup_closes=start - timedelta(hours=2),
        claim_window_hours=spec.get("claim_window_hours", 0),
        ask_company="company" in asks,
        ask_role="role" in asks,
        ask_note="note" in asks,
    )
    lecturer = spec.get("lecturer")
    profile = lecturer and LecturerProfile.objects.filter(user__email=lecturer["email"]).first()
    if profile:
        # The demo programme (certification.demo_programmes) authorises this topic; its
        # certificate makes the demo lecturer authorised to teach these sessions.
        event.topic = spec["topic"]
        event.lecturer_links = [EventLecturer(lecturer=profile, topic=lecturer["role"])]
    index.add_child(instance=event)
    event.save_revision().publish()
    stdout.write(f"Created event {spec['title']}.\n")
    return event


def _registrations(event: EventPage, spec: dict, data: dict, attendees: list, member) -> None:
    """What happened at the event so far: seats taken, people waiting, who came."""
    counts = spec["registrations"]
    past = spec["starts_in_days"] < 0
    start = event.start
    signed_up = start - timedelta(days=25) if past else timezone.now() - timedelta(days=6)
    people = list(attendees)
    if member is not None and counts.get("member"):
        people = [member, *people]
    confirmed = people[: counts["confirmed"]]
    waiting = people[counts["confirmed"] :][: counts.get("waitlisted", 0)]
    roles = data["job_roles"]
    rows = []
    for n, user in enumerate(confirmed + waiting):
        membership = getattr(user, "membership", None)
        at = signed_up + timedelta(minutes=7 * n)
        is_confirmed = n < len(confirmed)
        rows.append(
            Registration(
                event=event,
                user=user,
                status=Registration.Status.CONFIRMED
                if is_confirmed
                else Registration.Status.WAITLISTED,
                code=checkin.new_code(),
                created_at=at,
                confirmed_at=at if is_confirmed else None,
                company=membership.provider.name if membership else "",
                job_role=roles[n % len(roles)] if event.ask_role else "",
                language="zh-hans",
            )
        )
    Registration.objects.bulk_create(rows)
    if past:
        _attendance(event, start, data)


def _attendance(event: EventPage, start: datetime, data: dict) -> None:
    """Who came, as the door and the event staff recorded it: most were checked in inside the
    check-in window (the half hour before the start), the rest marked by staff after the event;
    each step is in the attendance audit trail."""
    staff = get_user_model().objects.filter(email=data["staff"]).first()
    staff_name = str(staff) if staff else ""
    recorded_at = start + timedelta(hours=4)
    registrations = list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("user")
        .order_by("pk")
    )
    trail = []
    for n, registration in enumerate(registrations):
        if n % 9 == 8:
            registration.attendance = Registration.Attendance.NO_SHOW
        elif n % 11 == 5:
            registration.attendance = Registration.Attendance.PARTIAL
        else:
            registration.attendance = Registration.Attendance.ATTENDED
            registration.checked_in_at = start - timedelta(minutes=25) + timedelta(seconds=40 * n)
            registration.checked_in_by = staff
        action = (
            AttendanceChange.Action.CHECKED_IN
            if registration.checked_in_at
            else AttendanceChange.Action.RECORDED
        )
        at = registration.checked_in_at or recorded_at
        registration.attendance_recorded_at = at
        registration.attendance_recorded_by = staff
        trail.append(
            AttendanceChange(
                registration=registration,
                action=action,
                attendance_after=registration.attendance,
                by=staff,
                by_name=staff_name,
                at=at,
            )
        )
    Registration.objects.bulk_update(
        registrations,
        [
            "attendance",
            "checked_in_at",
            "checked_in_by",
            "attendance_recorded_at",
            "attendance_recorded_by",
        ],
    )
    AttendanceChange.objects.bulk_create(trail)
    EventPage.objects.filter(pk=event.pk).update(attendance_closed_at=recorded_at)
    rated = [
        r
        for r in registrations
        if r.attendance == Registration.Attendance.ATTENDED and r.user.email != data["member"]
    ]
    ratings = data["ratings"]
    SessionRating.objects.bulk_create(
        SessionRating(
            registration=registration,
            score=ratings[n % len(ratings)]["score"],
            comment=ratings[n % len(ratings)]["comment"],
            created_at=start + timedelta(hours=6, minutes=n),
            updated_at=start + timedelta(hours=6, minutes=n),
        )
        for n, registration in enumerate(rated[:14])
    )


# Live Q&A (極速問答): the past session's board, answered and published on its page, and a board
# open on a coming workshop with a few questions sent ahead, for the demo member to vote on.


def _live_qa(index: EventIndexPage, stdout) -> None:
    """Switch the boards on (with a new revision, only if off) and fill them (only if empty)."""
    data = load("events/live_qa.yaml")
    staff = get_user_model().objects.filter(email=data["staff"]).first()
    past = _board(index, data["past"]["event"], stdout)
    if past is not None and not LiveQuestion.objects.filter(event=past).exists():
        _past_questions(past, data["past"]["questions"], data["member"], staff)
        stdout.write(f"Added the live Q&A of {past.title}.\n")
    coming = _board(index, data["coming"]["event"], stdout)
    if coming is not None and not LiveQuestion.objects.filter(event=coming).exists():
        _coming_questions(coming, data["coming"]["questions"], data["member"])
        stdout.write(f"Added questions sent ahead to the board of {coming.title}.\n")


def _board(index: EventIndexPage, slug: str, stdout) -> EventPage | None:
    event = EventPage.objects.child_of(index).filter(slug=slug).first()
    if event is not None and not event.live_qa:
        event.live_qa = True
        event.save_revision().publish()
        stdout.write(f"Switched on the live Q&A board of {event.title}.\n")
    return event


def _confirmed(event: EventPage, member_email: str) -> list:
    """The event's confirmed attendees, the demo member last (they vote rather than ask)."""
    people = [
        r.user
        for r in Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("user")
        .order_by("pk")
    ]
    return sorted(people, key=lambda user: user.email == member_email)


def _past_questions(event: EventPage, questions: list[dict], member_email: str, staff) -> None:
    people = _confirmed(event, member_email)
    if len(people) < 2:
        return
    asked = event.start - timedelta(days=2)
    votes = []
    for n, spec in enumerate(questions):
        author = people[n % len(people)]
        # The first three were sent ahead, the rest asked in the room.
        at = asked + timedelta(hours=n * 7) if n < 3 else event.start + timedelta(minutes=20 * n)
        answer = spec.get("answer", "")
        hidden = spec.get("hidden", False)
        question = LiveQuestion.objects.create(
            event=event,
            author=author,
            text=spec["text"],
            anonymous=spec.get("anonymous", False),
            created_at=at,
            answer=answer,
            answered_at=event.start + timedelta(minutes=150 + 4 * n) if answer else None,
            answered_by=staff if answer else None,
            hidden_at=event.start + timedelta(minutes=30) if hidden else None,
            hidden_by=staff if hidden else None,
        )
        voters = [p for p in people if p.pk != author.pk][: spec["votes"]]
        votes += [
            LiveQuestionVote(question=question, user=voter, created_at=at + timedelta(minutes=m))
            for m, voter in enumerate(voters, start=1)
        ]
    LiveQuestionVote.objects.bulk_create(votes)


def _coming_questions(event: EventPage, questions: list[dict], member_email: str) -> None:
    people = [p for p in _confirmed(event, member_email) if p.email != member_email]
    if len(people) < 2:
        return
    votes = []
    for n, spec in enumerate(questions):
        author = people[n]
        question = LiveQuestion.objects.create(
            event=event, author=author, text=spec["text"], anonymous=spec.get("anonymous", False)
        )
        voters = [p for p in people if p.pk != author.pk][: spec["votes"]]
        votes += [LiveQuestionVote(question=question, user=voter) for voter in voters]
    LiveQuestionVote.objects.bulk_create(votes)
