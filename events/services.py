"""Every state change of the events app: one user intention, one transaction.

The capacity invariant — the seats held (confirmed + offered) never exceed the event's capacity —
is kept by taking a row lock on the event (`_lock_event`) before counting seats and writing. On
PostgreSQL that is SELECT … FOR NO KEY UPDATE on the event row; on SQLite the settings open every
transaction with BEGIN IMMEDIATE, which takes the database's write lock up front. Either way two
sign-ups for the same event never both see "one seat left".

Locks are always taken event first, then registrations, so two services never wait on each other
in opposite orders. E-mails are recorded in the change's transaction (academy.outbox) and sent by
tasks through academy.mail.send_once (no lock held while the mail server talks; each sent one is
recorded as a Notification), so a rolled-back change sends nothing, a broker outage delays the
mail without losing it, and a repeated task sends nothing twice.

Other apps read attendance and sessions taught through `events_attended`, `sessions_taught` and
`lecturer_ratings`, and react to the signals in signals.py.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy import batches, outbox, teaching
from academy import mail as academy_mail
from academy.errors import ActionRefused
from academy.localisation import originals
from academy.models import LecturerProfile, Membership, User

from . import checkin, signals
from .models import (
    AttendanceChange,
    Audience,
    EventKind,
    EventLecturer,
    EventPage,
    Notification,
    Registration,
    SessionRating,
)

Status = Registration.Status
Attendance = Registration.Attendance


# --- Errors: a rule said no. Views show the message with the status. ---------------------------


class EventError(ActionRefused):
    """A rule of the events app refused the action; `registration` is the one it concerns."""

    default_message = gettext_lazy("This is not possible for this event.")

    def __init__(self, message: str = "", *, registration: Registration | None = None):
        super().__init__(message)
        self.registration = registration


class SignupNotOpen(EventError):
    pass


class SignupClosed(EventError):
    pass


class EventCancelled(EventError):
    status = 410


class NotInAudience(EventError):
    status = 403


class NotCancellable(EventError):
    pass


class OfferNotOpen(EventError):
    pass


class CheckInRefused(EventError):
    pass


class InvalidCode(CheckInRefused):
    status = 400


class OutsideCheckInWindow(CheckInRefused):
    """A code shown before check-in opens or after it closed: nothing is recorded."""


class AttendanceNotOpen(EventError):
    pass


class RatingNotAllowed(EventError):
    status = 403


class InvalidInput(EventError):
    status = 400


class NotAuthorisedToTeach(EventError):
    status = 403


# --- Reading the rules -------------------------------------------------------------------------


def in_audience(user: User, event: EventPage) -> bool:
    """Whether `user` belongs to the people the event is for."""
    if not user.is_authenticated:
        return False
    if event.audience == Audience.MEMBERS:
        return Membership.objects.filter(user_id=user.pk).exists()
    if event.audience == Audience.LECTURERS:
        return LecturerProfile.objects.filter(user_id=user.pk).exists()
    return True


def teaching_refusal(lecturer: LecturerProfile, *, topic: str, kind: str) -> str:
    """Why `lecturer` may not teach an event of this topic and kind; "" when they may.

    A lecturer-led session must name its topic; an event with a topic takes only lecturers
    whose valid certificate authorises it (certification writes those topics onto the lecturer's
    record). An open day or workshop without a topic may have any lecturer speak.
    """
    if topic:
        if teaching.authorised(lecturer, topic):
            return ""
        return _(
            "%(name)s may not teach “%(topic)s”: no valid certificate of theirs authorises this "
            "topic. Assign a lecturer certified for it, or choose another topic."
        ) % {"name": lecturer.user.display_name or lecturer.user.email, "topic": topic}
    if kind == EventKind.LECTURER_SESSION:
        return _(
            "Choose the session's teaching topic before assigning lecturers: only lecturers "
            "authorised for the topic may teach it."
        )
    return ""


def may_teach(lecturer: LecturerProfile, event: EventPage) -> bool:
    """Whether `lecturer` may be assigned to `event` (see teaching_refusal)."""
    return not teaching_refusal(lecturer, topic=event.topic, kind=event.kind)


@transaction.atomic
def assign_lecturer(
    event: EventPage, lecturer: LecturerProfile, *, role: str = ""
) -> EventLecturer:
    """Assign `lecturer` to teach `event` (role: what they do there, e.g. 主讲), once."""
    event = _lock_event(event.pk)
    refusal = teaching_refusal(lecturer, topic=event.topic, kind=event.kind)
    if refusal:
        raise NotAuthorisedToTeach(refusal)
    link, _created = EventLecturer.objects.get_or_create(
        page=event, lecturer=lecturer, defaults={"topic": role}
    )
    return link


def seats_held(event: EventPage) -> int:
    return Registration.objects.filter(
        event_id=event.pk, status__in=Registration.HOLDS_SEAT
    ).count()


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting, … ; None when not on the waitlist."""
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=Status.WAITLISTED, pk__lt=registration.pk
    ).count()
    return ahead + 1


# --- Sign-up, cancellation, waitlist ------------------------------------------------------------


def _lock_event(event_id: int) -> EventPage:
    # The event row is the lock guarding the capacity invariant: whoever holds it is the only one
    # counting or changing the seats held at this event until the transaction ends. NO KEY UPDATE
    # still lets other transactions insert rows that merely reference the event.
    return EventPage.objects.select_for_update(of=("self",), no_key=True).get(pk=event_id)


def _notify(registration: Registration, kind: str, key: str = "") -> None:
    from . import tasks

    outbox.enqueue(tasks.send_notification, registration.pk, kind, key)


def _check_signup_allowed(user: User, event: EventPage, now: datetime) -> None:
    if not event.live:
        raise SignupClosed(_("This event is not published."))
    if event.is_cancelled:
        raise EventCancelled(_("This event has been cancelled."))
    if event.signup_opens and now < event.signup_opens:
        local = timezone.localtime(event.signup_opens, event.tzinfo)
        raise SignupNotOpen(
            _("Sign-up opens on %(date)s at %(time)s.")
            % {"date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M")}
        )
    if now >= event.signup_closes_at:
        raise SignupClosed(_("Sign-up for this event has closed."))
    if not in_audience(user, event):
        if event.audience == Audience.MEMBERS:
            raise NotInAudience(_("This event is for members of a provider company."))
        raise NotInAudience(_("This event is for the academy's lecturers."))


def _expire_lapsed_offers(event: EventPage, now: datetime) -> list[Registration]:
    lapsed = list(
        Registration.objects.filter(
            event_id=event.pk, status=Status.OFFERED, offer_expires_at__lte=now
        )
    )
    for registration in lapsed:
        registration.status = Status.EXPIRED
        registration.save(update_fields=["status"])
        _notify(registration, Notification.Kind.OFFER_LAPSED)
    return lapsed


def _fill_free_seats(event: EventPage, now: datetime) -> tuple[list[Registration], int]:
    """Give free seats to the first people waiting, in the order they signed up; returns those
    served and the seats held afterwards.

    Caller holds the event lock. With a claim window the seat is offered and held until the
    window (or the start) ends; without one it is confirmed at once.
    """
    held = seats_held(event)
    free = event.capacity - held
    if free <= 0 or event.is_cancelled or event.has_started(now):
        return [], held
    waiting = list(
        Registration.objects.filter(event_id=event.pk, status=Status.WAITLISTED).order_by("pk")[
            :free
        ]
    )
    for registration in waiting:
        if event.claim_window_hours:
            registration.status = Status.OFFERED
            registration.offered_at = now
            registration.offer_expires_at = min(
                now + timedelta(hours=event.claim_window_hours), event.start
            )
            registration.save(update_fields=["status", "offered_at", "offer_expires_at"])
            _notify(registration, Notification.Kind.OFFERED)
        else:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at"])
            _notify(registration, Notification.Kind.PROMOTED)
    return waiting, held + len(waiting)


@dataclass
class Answers:
    company: str = ""
    job_role: str = ""
    note: str = ""


def register(
    user: User, event: EventPage, *, answers: Answers | None = None, language: str = ""
) -> tuple[Registration, bool]:
    """Sign `user` up: a seat while seats remain, else a place on the waitlist.

    Signing up twice returns the registration already held (created=False). People already
    waiting are served before a newcomer whenever seats are free.
    """
    answers = answers or Answers()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _register(user, event, answers, language)
        except IntegrityError:
            # Only the random check-in code can collide (the event lock serialises everything
            # else); draw a new one.
            continue
    raise EventError(_("We could not sign you up just now. Please try again."))


def _register(
    user: User, event: EventPage, answers: Answers, language: str
) -> tuple[Registration, bool]:
    event = _lock_event(event.pk)
    existing = Registration.objects.filter(
        event_id=event.pk, user_id=user.pk, status__in=Registration.ACTIVE
    ).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    _check_signup_allowed(user, event, now)
    _expire_lapsed_offers(event, now)
    _promoted, held = _fill_free_seats(event, now)
    confirmed = held < event.capacity
    registration = Registration.objects.create(
        event=event,
        user=user,
        status=Status.CONFIRMED if confirmed else Status.WAITLISTED,
        code=checkin.new_code(),
        created_at=now,
        confirmed_at=now if confirmed else None,
        company=answers.company.strip()[:120] if event.ask_company else "",
        job_role=answers.job_role.strip()[:80] if event.ask_role else "",
        note=answers.note.strip()[:500] if event.ask_note else "",
        language=language[:10],
    )
    _notify(
        registration,
        Notification.Kind.CONFIRMED if confirmed else Notification.Kind.WAITLISTED,
    )
    return registration, True


@transaction.atomic
def cancel(registration: Registration) -> Registration:
    """The attendee gives up their seat or place, until the event starts.

    A freed seat goes to the first person waiting in this same transaction. Cancelling again is
    harmless.
    """
    event = _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    if registration.status not in Registration.ACTIVE:
        return registration
    now = timezone.now()
    if event.has_started(now):
        raise NotCancellable(
            _("The event has started; registrations can no longer be cancelled."),
            registration=registration,
        )
    if registration.checked_in_at or registration.attended:
        raise NotCancellable(
            _("You are already checked in, so this registration can no longer be cancelled."),
            registration=registration,
        )
    held_seat = registration.status in Registration.HOLDS_SEAT
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    registration.cancelled_by = Registration.CancelledBy.ATTENDEE
    registration.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    if held_seat:
        _expire_lapsed_offers(event, now)
        _fill_free_seats(event, now)
    return registration


def claim_offer(registration: Registration) -> Registration:
    """Take the seat offered from the waitlist, while the offer stands."""
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
        if registration.status == Status.CONFIRMED:
            return registration
        if registration.status != Status.OFFERED:
            raise OfferNotOpen(
                _("There is no seat on offer for you at this event."), registration=registration
            )
        now = timezone.now()
        lapsed = registration.offer_expires_at <= now or event.is_cancelled
        if lapsed:
            # Pass the seat on now rather than wait for the job, and keep that when refusing.
            _expire_lapsed_offers(event, now)
            _fill_free_seats(event, now)
        else:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at"])
            _notify(registration, Notification.Kind.CONFIRMED)
    if lapsed:
        registration.refresh_from_db()
        raise OfferNotOpen(
            _("Sorry, the offer has lapsed and the seat went to the next person waiting."),
            registration=registration,
        )
    return registration


@transaction.atomic
def promote_waitlist(event: EventPage) -> list[Registration]:
    """Offer or give free seats to those waiting, e.g. after staff raised the capacity."""
    event = _lock_event(event.pk)
    now = timezone.now()
    _expire_lapsed_offers(event, now)
    return _fill_free_seats(event, now)[0]


def expire_lapsed_offers() -> int:
    """Pass on every seat whose claim window has ended (the beat job); returns events handled."""
    now = timezone.now()
    event_ids = set(
        Registration.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
            "event_id", flat=True
        )
    )

    def pass_on(event_id: int) -> bool:
        promote_waitlist(EventPage(pk=event_id))
        return True

    # Each event on its own (promote_waitlist is one transaction): one that fails is logged and
    # found again by the next run; the other events' waiting people still get their seats.
    return batches.run(sorted(event_ids), pass_on, job="expire lapsed offers").done


# --- Staff changes to the event -----------------------------------------------------------------


def schedule_key(schedule: dict) -> str:
    return hashlib.sha256(json.dumps(schedule, sort_keys=True).encode()).hexdigest()[:16]


@transaction.atomic
def event_published(event: EventPage) -> None:
    """React to staff publishing the event: added seats go to the waitlist, and a new time or
    place is announced to everyone registered."""
    event = _lock_event(event.pk)
    now = timezone.now()
    _expire_lapsed_offers(event, now)
    _fill_free_seats(event, now)
    schedule = event.schedule()
    if schedule == event.announced_schedule:
        return
    if event.announced_schedule and not event.is_cancelled and not event.has_ended(now):
        key = schedule_key(schedule)
        for registration in Registration.objects.filter(
            event_id=event.pk, status__in=Registration.ACTIVE
        ):
            _notify(registration, Notification.Kind.CHANGED, key)
    EventPage.objects.filter(pk=event.pk).update(announced_schedule=schedule)


@transaction.atomic
def cancel_event(event: EventPage, *, by: User, reason: str = "") -> int:
    """Staff call the whole event off; everyone registered is told. Returns how many."""
    event = _lock_event(event.pk)
    if event.is_cancelled:
        return 0
    now = timezone.now()
    if event.has_ended(now):
        raise EventError(_("This event is over; it can no longer be cancelled."))
    EventPage.objects.filter(pk=event.pk).update(
        cancelled_at=now, cancellation_reason=reason.strip()[:2000]
    )
    registrations = list(
        Registration.objects.filter(event_id=event.pk, status__in=Registration.ACTIVE)
    )
    for registration in registrations:
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.cancelled_by = Registration.CancelledBy.EVENT
        registration.attendance = ""
        _notify(registration, Notification.Kind.EVENT_CANCELLED)
    Registration.objects.bulk_update(
        registrations, ["status", "cancelled_at", "cancelled_by", "attendance"]
    )
    return len(registrations)


# --- Check-in and attendance -------------------------------------------------------------------


@dataclass
class CheckIn:
    registration: Registration
    already: bool
    at: datetime
    by: User | None


def check_in(event: EventPage, text: str, *, by: User) -> CheckIn:
    """Check in whoever `text` (a scanned QR token or a typed code) belongs to, at `event`."""
    token = checkin.parse_token(text)
    with transaction.atomic():
        if token is not None:
            registration = _locked_registration(Q(pk=token.registration_id))
            if registration is None or not checkin.token_matches(registration, token):
                raise InvalidCode(_("This QR code is not valid."))
        else:
            code = checkin.normalise_code(text)
            if not checkin.is_code(code):
                raise InvalidCode(_("Scan a QR code or type the 8-character code, e.g. ABCD-EFGH."))
            registration = _locked_registration(Q(code=code))
            if registration is None:
                raise InvalidCode(_("No registration has the code %(code)s.") % {"code": code})
        return _check_in(event, registration, by)


def check_in_registration(event: EventPage, registration_id: int, *, by: User) -> CheckIn:
    """Check in a registration staff picked from the search results."""
    with transaction.atomic():
        registration = _locked_registration(Q(pk=registration_id, event_id=event.pk))
        if registration is None:
            raise InvalidCode(_("No such registration at this event."))
        return _check_in(event, registration, by)


def _locked_registration(condition: Q) -> Registration | None:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user", "checked_in_by")
        .filter(condition)
        .first()
    )


def _check_in(event: EventPage, registration: Registration, by: User) -> CheckIn:
    name = str(registration.user)
    if registration.event_id != event.pk:
        other = EventPage.objects.get(pk=registration.event_id)
        raise CheckInRefused(
            _("%(name)s is registered for another event: “%(event)s” on %(date)s.")
            % {
                "name": name,
                "event": other.title,
                "date": other.local_start.strftime("%Y-%m-%d"),
            },
            registration=registration,
        )
    if event.is_cancelled:
        raise CheckInRefused(_("This event has been cancelled."), registration=registration)
    if registration.status == Status.CANCELLED:
        raise CheckInRefused(
            _("%(name)s's registration was cancelled.") % {"name": name},
            registration=registration,
        )
    if registration.status != Status.CONFIRMED:
        raise CheckInRefused(
            _("%(name)s has no confirmed seat (%(status)s).")
            % {"name": name, "status": registration.get_status_display()},
            registration=registration,
        )
    if registration.checked_in_at:
        return CheckIn(
            registration, already=True, at=registration.checked_in_at, by=registration.checked_in_by
        )
    now = timezone.now()
    _check_window(event, registration, now)
    previous = registration.attendance
    registration.attendance = Attendance.ATTENDED
    registration.checked_in_at = now
    registration.checked_in_by = by
    registration.attendance_recorded_at = now
    registration.attendance_recorded_by = by
    registration.save(
        update_fields=[
            "attendance",
            "checked_in_at",
            "checked_in_by",
            "attendance_recorded_at",
            "attendance_recorded_by",
        ]
    )
    _audit(registration, AttendanceChange.Action.CHECKED_IN, previous, by=by, at=now)
    _announce_attendance(registration, previous)
    return CheckIn(registration, already=False, at=now, by=by)


def _check_window(event: EventPage, registration: Registration, now: datetime) -> None:
    """Refuse a check-in outside the event's window: a code shown days early proves nothing."""
    window = event.check_in_window(now)
    if window == "open":
        return
    moment = event.check_in_opens_at if window == "early" else event.check_in_closes_at
    local = timezone.localtime(moment, event.tzinfo)
    when = {"time": time_format(local, "H:i"), "date": date_format(local, "MONTH_DAY_FORMAT")}
    if window == "early":
        message = _("Check-in opens at %(time)s on %(date)s.") % when
    else:
        message = (
            _("Check-in closed at %(time)s on %(date)s.") % when
            + " "
            + _("Staff can still record attendance on the event's Attendance page.")
        )
    raise OutsideCheckInWindow(message, registration=registration)


def _audit(
    registration: Registration,
    action: str,
    before: str,
    *,
    by: User | None,
    at: datetime,
    checked_in_at: datetime | None = None,
    reason: str = "",
) -> AttendanceChange:
    return AttendanceChange.objects.create(
        registration=registration,
        action=action,
        attendance_before=before,
        attendance_after=registration.attendance,
        checked_in_at=checked_in_at,
        by=by,
        by_name=str(by)[:150] if by else "",
        at=at,
        reason=reason.strip()[:300],
    )


def _announce_attendance(registration: Registration, previous: str) -> None:
    # Inside the change's transaction: receivers record their follow-up work (outbox) in it, so
    # a process that dies after the commit cannot lose it (signals.py).
    signals.attendance_recorded.send(
        sender=Registration,
        registration=registration,
        attendance=registration.attendance,
        previous=previous,
    )


def undo_check_in(
    event: EventPage, registration_id: int, *, by: User, reason: str = ""
) -> Registration:
    """Staff take back a check-in made by mistake (the wrong code scanned, a person who left).

    The registration stays confirmed and loses its attendance; the audit trail keeps who checked
    in, when, and who undid it. Readers of attendance (certification's requirement counts, the
    team and staff reports) query it live, so the undone attendance stops counting at once; the
    attendance_recorded signal announces the change so certification re-checks the person.
    A certificate already issued on the strength of this attendance is NOT revoked here:
    revoking is an officer's decision, with its own audit entry in certification.
    """
    with transaction.atomic():
        # The registration row guards "one check-in, one audit entry": a scan of the same code
        # at the same moment waits for this undo and then sees it.
        registration = _locked_registration(Q(pk=registration_id, event_id=event.pk))
        if registration is None:
            raise InvalidCode(_("No such registration at this event."))
        name = str(registration.user)
        if not registration.checked_in_at:
            raise CheckInRefused(
                _("%(name)s is not checked in.") % {"name": name}, registration=registration
            )
        if registration.status != Status.CONFIRMED:
            raise CheckInRefused(
                _("%(name)s has no confirmed seat (%(status)s).")
                % {"name": name, "status": registration.get_status_display()},
                registration=registration,
            )
        now = timezone.now()
        previous, checked_in_at = registration.attendance, registration.checked_in_at
        # Once staff closed the attendance, everyone not marked counts as a no-show; an undone
        # check-in joins them rather than reopening the question.
        registration.attendance = Attendance.NO_SHOW if event.attendance_closed_at else ""
        registration.checked_in_at = None
        registration.checked_in_by = None
        registration.attendance_recorded_at = now
        registration.attendance_recorded_by = by
        registration.save(
            update_fields=[
                "attendance",
                "checked_in_at",
                "checked_in_by",
                "attendance_recorded_at",
                "attendance_recorded_by",
            ]
        )
        _audit(
            registration,
            AttendanceChange.Action.UNDONE,
            previous,
            by=by,
            at=now,
            checked_in_at=checked_in_at,
            reason=reason,
        )
        if registration.attendance != previous:
            _announce_attendance(registration, previous)
    return registration


@transaction.atomic
def record_attendance(
    event: EventPage, statuses: dict[int, str], *, by: User, close: bool = False
) -> int:
    """Staff set attended / partially attended / no-show after the event has started.

    This is the one way to mark attendance outside the check-in window (the door refuses codes
    after it closes): staff recording it after the event, each change in the audit trail.
    `statuses` maps registration ids (confirmed, of this event) to a status or "" (not known).
    With `close`, everyone still unmarked counts as a no-show and, the first time, the event's
    lecturers are credited with the session and attendees of a lecturer-led session are asked to
    rate it. Returns how many registrations changed.
    """
    event = _lock_event(event.pk)
    now = timezone.now()
    if not event.has_started(now):
        raise AttendanceNotOpen(_("Attendance can be recorded once the event has started."))
    if event.is_cancelled:
        raise AttendanceNotOpen(_("This event has been cancelled."))
    if close and not event.has_ended(now):
        raise AttendanceNotOpen(_("Attendance can be closed once the event is over."))
    allowed = {"", *Attendance.values}
    if any(value not in allowed for value in statuses.values()):
        raise InvalidInput(_("Unknown attendance status."))
    confirmed = Registration.objects.select_for_update(of=("self",)).filter(
        event_id=event.pk, status=Status.CONFIRMED
    )
    changed, audit = [], []
    for registration in confirmed:
        new = statuses.get(registration.pk, registration.attendance)
        if close and not new:
            new = Attendance.NO_SHOW
        if new == registration.attendance:
            continue
        previous = registration.attendance
        registration.attendance = new
        registration.attendance_recorded_at = now
        registration.attendance_recorded_by = by
        changed.append(registration)
        _announce_attendance(registration, previous)
        audit.append(
            AttendanceChange(
                registration=registration,
                action=AttendanceChange.Action.RECORDED,
                attendance_before=previous,
                attendance_after=new,
                by=by,
                by_name=str(by)[:150],
                at=now,
            )
        )
    Registration.objects.bulk_update(
        changed, ["attendance", "attendance_recorded_at", "attendance_recorded_by"]
    )
    AttendanceChange.objects.bulk_create(audit)
    if close and event.attendance_closed_at is None:
        EventPage.objects.filter(pk=event.pk).update(attendance_closed_at=now)
        for link in event.lecturer_links.select_related("lecturer"):
            signals.session_taught.send(sender=EventPage, event=event, lecturer=link.lecturer)
        if event.is_lecturer_led:
            for registration in Registration.objects.filter(
                event_id=event.pk,
                status=Status.CONFIRMED,
                attendance__in=[Attendance.ATTENDED, Attendance.PARTIAL],
            ):
                _notify(registration, Notification.Kind.RATING)
    return len(changed)


# --- Ratings -----------------------------------------------------------------------------------


def rating_registration(user: User, event: EventPage) -> Registration | None:
    """The registration through which `user` may rate `event`, or None."""
    if not user.is_authenticated or not event.is_lecturer_led or not event.has_ended():
        return None
    return Registration.objects.filter(
        event_id=event.pk,
        user_id=user.pk,
        status=Status.CONFIRMED,
        attendance__in=[Attendance.ATTENDED, Attendance.PARTIAL],
    ).first()


@transaction.atomic
def rate_session(user: User, event: EventPage, *, score: int, comment: str = "") -> SessionRating:
    """An attendee rates a lecturer-led session after it (1–5); rating again updates it."""
    if not event.is_lecturer_led:
        raise RatingNotAllowed(_("Only lecturer-led sessions are rated."))
    if not event.has_ended():
        raise RatingNotAllowed(_("You can rate the session once it is over."))
    if score not in range(1, 6):
        raise InvalidInput(_("Choose a rating from 1 to 5."))
    registration = rating_registration(user, event)
    if registration is None:
        raise RatingNotAllowed(_("Only people who attended the session can rate it."))
    now = timezone.now()
    rating, created = SessionRating.objects.select_for_update().get_or_create(
        registration=registration,
        defaults={"score": score, "comment": comment.strip()[:1000], "created_at": now},
    )
    if not created:
        rating.score = score
        rating.comment = comment.strip()[:1000]
        rating.updated_at = now
        rating.save(update_fields=["score", "comment", "updated_at"])
    return rating


# --- What other apps read (certification counts these) ------------------------------------------


def events_attended(
    user: User, *, kind: str | None = None, include_partial: bool = False
) -> QuerySet[EventPage]:
    """Events `user` attended (checked in or marked by staff), optionally of one kind."""
    statuses = [Attendance.ATTENDED] + ([Attendance.PARTIAL] if include_partial else [])
    queryset = EventPage.objects.filter(
        registrations__user_id=user.pk,
        registrations__status=Status.CONFIRMED,
        registrations__attendance__in=statuses,
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.distinct().order_by("start")


def sessions_taught(
    lecturer: LecturerProfile, *, kind: str | None = None, now: datetime | None = None
) -> QuerySet[EventPage]:
    """Events `lecturer` was assigned to teach that took place (ended, not cancelled)."""
    # The original only: an English version copies the lecturers but is the same session.
    queryset = originals(EventPage.objects.live()).filter(
        lecturer_links__lecturer=lecturer,
        cancelled_at__isnull=True,
        end__lte=now or timezone.now(),
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.distinct().order_by("start")


# The people these could count enough for, each as one subquery of user ids (a programme sweep
# looks for its candidates with them; the counting functions above then decide).


def _ids_with_at_least(queryset: QuerySet, user: str, counted: str, at_least: int) -> QuerySet:
    return (
        queryset.values(user)
        .annotate(n=Count(counted, distinct=True))
        .filter(n__gte=at_least)
        .values(user)
    )


def attendee_ids(*, kind: str | None = None, at_least: int = 1) -> QuerySet:
    """Ids of users who attended at least `at_least` events (of `kind`)."""
    queryset = Registration.objects.filter(status=Status.CONFIRMED, attendance=Attendance.ATTENDED)
    if kind:
        queryset = queryset.filter(event__kind=kind)
    return _ids_with_at_least(queryset, "user_id", "event_id", at_least)


def teacher_ids(
    *, kind: str | None = None, at_least: int = 1, now: datetime | None = None
) -> QuerySet:
    """Ids of lecturers' users with at least `at_least` sessions taught (of `kind`)."""
    queryset = EventLecturer.objects.filter(
        page__live=True, page__cancelled_at__isnull=True, page__end__lte=now or timezone.now()
    )
    if kind:
        queryset = queryset.filter(page__kind=kind)
    return _ids_with_at_least(queryset, "lecturer__user_id", "page_id", at_least)


def rated_lecturer_ids(*, at_least: int = 1) -> QuerySet:
    """Ids of lecturers' users with at least `at_least` ratings of their sessions."""
    queryset = SessionRating.objects.filter(registration__event__lecturer_links__isnull=False)
    user = "registration__event__lecturer_links__lecturer__user_id"
    return _ids_with_at_least(queryset, user, "pk", at_least)


@dataclass
class LecturerRatings:
    count: int
    average: float | None
    ratings: QuerySet[SessionRating]


def lecturer_ratings(lecturer: LecturerProfile) -> LecturerRatings:
    """Attendees' ratings of the sessions `lecturer` taught: how many, the mean, and each one."""
    ratings = (
        SessionRating.objects.filter(registration__event__lecturer_links__lecturer=lecturer)
        .select_related("registration__event")
        .distinct()
    )
    summary = SessionRating.objects.filter(pk__in=ratings.values("pk")).aggregate(
        count=Count("pk"), average=Avg("score")
    )
    average = summary["average"]
    return LecturerRatings(
        count=summary["count"],
        average=round(float(average), 2) if average is not None else None,
        ratings=ratings,
    )


# --- E-mail (the tasks call this) ---------------------------------------------------------------


def send_notification(registration_id: int, kind: str, key: str = "") -> bool:
    """Send one e-mail about a registration, once; False when it went before or no longer fits
    (a reminder for a cancelled seat, an offer already taken …)."""
    from . import mail

    def compose():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "user")
            .filter(pk=registration_id)
            .first()
        )
        if registration is None or not _still_relevant(registration, kind):
            return None
        if Notification.objects.filter(registration=registration, kind=kind, key=key).exists():
            return None
        return mail.build(registration, kind)

    return academy_mail.send_once(
        f"events:registration:{registration_id}:{kind}:{key}",
        kind=f"events:{kind}",
        compose=compose,
        mark_sent=lambda: Notification.objects.get_or_create(
            registration_id=registration_id, kind=kind, key=key
        ),
    )


def _still_relevant(registration: Registration, kind: str) -> bool:
    Kind = Notification.Kind
    event = registration.event
    expected = {
        Kind.CONFIRMED: {Status.CONFIRMED},
        Kind.PROMOTED: {Status.CONFIRMED},
        Kind.WAITLISTED: {Status.WAITLISTED},
        Kind.OFFERED: {Status.OFFERED},
        Kind.OFFER_LAPSED: {Status.EXPIRED},
        Kind.REMINDER: {Status.CONFIRMED},
        Kind.CHANGED: set(Registration.ACTIVE),
        Kind.EVENT_CANCELLED: {Status.CANCELLED},
        Kind.RATING: {Status.CONFIRMED},
    }.get(kind)
    if expected is None or registration.status not in expected:
        return False
    if kind == Kind.REMINDER:
        return not event.is_cancelled and not event.has_started()
    return True


REMINDER_LEAD = timedelta(hours=24)


def due_reminders(now: datetime | None = None) -> QuerySet[Registration]:
    """Confirmed seats at events starting within a day that have not had their reminder.

    People confirmed within that last day have just had their confirmation (or promotion) e-mail
    with every detail, so they get no reminder on top.
    """
    now = now or timezone.now()
    return Registration.objects.filter(
        status=Status.CONFIRMED,
        event__live=True,
        event__cancelled_at__isnull=True,
        event__start__gt=now,
        event__start__lte=now + REMINDER_LEAD,
        confirmed_at__lt=F("event__start") - REMINDER_LEAD,
    ).exclude(notifications__kind=Notification.Kind.REMINDER)


# --- Staff: one workshop run in many cities -----------------------------------------------------


@dataclass
class Run:
    """Another occurrence of an event: where and when (times aware, in any zone)."""

    city: str
    venue: str
    start: datetime
    end: datetime
    address: str = ""


def _unique_slug(parent, base: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def duplicate_event(
    event: EventPage, runs: list[Run], *, by: User, publish: bool = False
) -> list[EventPage]:
    """Copy `event` once per run, with its agenda, lecturers and questions but no registrations.

    Sign-up opening and closing move with the start. The city in the title follows the run's
    city. Copies are drafts unless `publish`.
    """
    parent = event.get_parent()
    copies = []
    for run in runs:
        shift = run.start - event.start
        title = event.title.replace(event.city, run.city) if event.city else event.title
        copy = event.copy(
            to=parent,
            update_attrs={
                "title": title,
                "draft_title": title,
                "slug": _unique_slug(parent, f"{event.slug}-{run.start:%Y%m%d}"),
                "city": run.city,
                "venue": run.venue,
                "address": run.address,
                "start": run.start,
                "end": run.end,
                "signup_opens": event.signup_opens + shift if event.signup_opens else None,
                "signup_closes": event.signup_closes + shift if event.signup_closes else None,
            },
            keep_live=False,
            copy_revisions=False,
            user=by,
            log_action="wagtail.copy",
        )
        copy = copy.specific
        revision = copy.save_revision(user=by, log_action=False)
        if publish:
            revision.publish(user=by)
        copies.append(copy)
    return copies
