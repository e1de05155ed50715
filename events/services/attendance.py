"""Attendance: check-in at the door (QR token or typed code), undoing a check-in, and staff's record
after the event; and the events a person attended, which certification counts.

Each change is in the audit trail (AttendanceChange) and announced inside its transaction with
signals.attendance_recorded; closing the attendance announces signals.session_taught for the
event's lecturers (events/signals.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from academy.models import User

from .. import checkin, signals
from ..models import (
    AttendanceChange,
    EventPage,
    Notification,
    Registration,
)
from . import notifications
from .errors import (
    AttendanceNotOpen,
    CheckInRefused,
    InvalidCode,
    InvalidInput,
    OutsideCheckInWindow,
)
from .registration import lock_event

Status = Registration.Status
Attendance = Registration.Attendance


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
    event = lock_event(event.pk)
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
                notifications.notify(registration, Notification.Kind.RATING)
    return len(changed)


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


# The people these could count enough for, each as one subquery of user ids (a programme sweep
# looks for its candidates with them; the counting functions above then decide).


def ids_with_at_least(queryset: QuerySet, user: str, counted: str, at_least: int) -> QuerySet:
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
    return ids_with_at_least(queryset, "user_id", "event_id", at_least)
