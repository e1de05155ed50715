"""A rule of the events app said no: the kinds of refusal, each with its HTTP status."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from academy.errors import ActionRefused

from ..models import Registration


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
