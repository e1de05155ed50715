"""Every state change of the events app, one user intention per function, one transaction each;
and what other apps read. One module per part of an event's life:

    registration.py    sign-up, cancellation, waitlist offers (the capacity invariant, its lock)
    staff_changes.py   staff publish, call off or duplicate an event
    attendance.py      check-in at the door, undoing it, staff's record; the events attended
    teaching.py        who may teach a topic, assigning lecturers, ratings, the sessions taught
    notifications.py   the e-mails about registrations, queued with the change and sent once
    errors.py          EventError and its kinds

Every public name is re-exported here, so callers write `from events import services` and
`services.register(...)` whichever module holds it.

Locks are always taken event first (registration.lock_event), then registrations, so two
services never wait on each other in opposite orders. Other apps read attendance and teaching
through `events_attended`, `sessions_taught`, `lecturer_ratings` (and the id subqueries the
programme sweep uses), and react to the signals in events/signals.py.
"""

from . import notifications
from .attendance import (
    CheckIn,
    attendee_ids,
    check_in,
    check_in_registration,
    events_attended,
    record_attendance,
    undo_check_in,
)
from .errors import (
    AttendanceNotOpen,
    CheckInRefused,
    EventCancelled,
    EventError,
    InvalidCode,
    InvalidInput,
    NotAuthorisedToTeach,
    NotCancellable,
    NotInAudience,
    OfferNotOpen,
    OutsideCheckInWindow,
    RatingNotAllowed,
    SignupClosed,
    SignupNotOpen,
)
from .notifications import REMINDER_LEAD, due_reminders, send_notification
from .registration import (
    Answers,
    cancel,
    claim_offer,
    expire_lapsed_offers,
    in_audience,
    promote_waitlist,
    register,
    seats_held,
    waitlist_position,
)
from .staff_changes import Run, cancel_event, duplicate_event, event_published, schedule_key
from .teaching import (
    LecturerRatings,
    assign_lecturer,
    lecturer_ratings,
    may_teach,
    rate_session,
    rated_lecturer_ids,
    rating_registration,
    sessions_taught,
    teacher_ids,
    teaching_refusal,
)

__all__ = [
    "REMINDER_LEAD",
    "Answers",
    "AttendanceNotOpen",
    "CheckIn",
    "CheckInRefused",
    "EventCancelled",
    "EventError",
    "InvalidCode",
    "InvalidInput",
    "LecturerRatings",
    "NotAuthorisedToTeach",
    "NotCancellable",
    "NotInAudience",
    "OfferNotOpen",
    "OutsideCheckInWindow",
    "RatingNotAllowed",
    "Run",
    "SignupClosed",
    "SignupNotOpen",
    "assign_lecturer",
    "attendee_ids",
    "cancel",
    "cancel_event",
    "check_in",
    "check_in_registration",
    "claim_offer",
    "due_reminders",
    "duplicate_event",
    "event_published",
    "events_attended",
    "expire_lapsed_offers",
    "in_audience",
    "lecturer_ratings",
    "may_teach",
    "notifications",
    "promote_waitlist",
    "rate_session",
    "rated_lecturer_ids",
    "rating_registration",
    "record_attendance",
    "register",
    "schedule_key",
    "seats_held",
    "send_notification",
    "sessions_taught",
    "teacher_ids",
    "teaching_refusal",
    "undo_check_in",
    "waitlist_position",
]
