"""Offline events: who signed up, what they were told, whether they came and how it went.

The pages (EventIndexPage, EventPage) live in pages.py. Every state change goes through
events/services/; the constraints here are the invariants the database itself can hold.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .live_qa_models import LiveQaBoard, LiveQuestion, LiveQuestionVote
from .pages import Audience, EventIndexPage, EventKind, EventLecturer, EventPage

__all__ = [
    "Audience",
    "EventIndexPage",
    "EventKind",
    "EventLecturer",
    "EventPage",
    "Registration",
    "AttendanceChange",
    "Notification",
    "SessionRating",
    "LiveQaBoard",
    "LiveQuestion",
    "LiveQuestionVote",
]


class Registration(models.Model):
    """One person's place at one event: a seat, a place on the waitlist, or a seat on offer."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        OFFERED = "offered", _("Seat offered")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Offer lapsed")

    class Attendance(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        PARTIAL = "partial", _("Partially attended")
        NO_SHOW = "no_show", _("No-show")

    class CancelledBy(models.TextChoices):
        ATTENDEE = "attendee", _("The attendee")
        EVENT = "event", _("The event was cancelled")

    # Not content: Wagtail's reference index would cost four queries per sign-up for nothing.
    wagtail_reference_index_ignore = True

    # A person holds at most one of these at a time per event; cancelled and lapsed ones stay as
    # history, so signing up again after cancelling makes a new registration (and a new code).
    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED)
    # Statuses that take a seat: the capacity invariant counts these.
    HOLDS_SEAT = (Status.CONFIRMED, Status.OFFERED)

    # PROTECT: who signed up and who came is the academy's record; an event with registrations is
    # unpublished, never deleted (academy/records.py explains the refusal in the admin).
    event = models.ForeignKey(
        EventPage, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    code = models.CharField(
        _("check-in code"), max_length=12, unique=True, help_text=_("Typed at the door.")
    )
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    offered_at = models.DateTimeField(_("seat offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=10, choices=CancelledBy.choices, blank=True
    )

    company = models.CharField(_("company"), max_length=120, blank=True)
    job_role = models.CharField(_("job role"), max_length=80, blank=True)
    note = models.TextField(_("note"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, blank=True
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendance recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        permissions = [("check_in", _("Can check people in at events"))]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["confirmed", "waitlisted", "offered"]),
                name="registration_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "id"], name="registration_queue"),
            models.Index(fields=["status", "offer_expires_at"], name="registration_offers"),
        ]

    def __str__(self):
        return f"{self.user} · {self.event} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def display_code(self) -> str:
        """The code as printed: two groups of four, easy to read out."""
        return f"{self.code[:4]}-{self.code[4:]}" if len(self.code) == 8 else self.code

    @property
    def attended(self) -> bool:
        return self.attendance in (self.Attendance.ATTENDED, self.Attendance.PARTIAL)


class AttendanceChange(models.Model):
    """The audit trail of attendance: every check-in at the door, every check-in staff undid and
    every status staff recorded, with who and when. Written by services, never edited."""

    class Action(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in at the door")
        UNDONE = "undone", _("Check-in undone")
        RECORDED = "recorded", _("Recorded by staff")

    wagtail_reference_index_ignore = True

    # The row lives as long as the registration it describes: registrations cannot lose their
    # event (PROTECT), and go only when the person's account is erased.
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="attendance_changes",
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    attendance_before = models.CharField(
        _("attendance before"), max_length=10, choices=Registration.Attendance.choices, blank=True
    )
    attendance_after = models.CharField(
        _("attendance after"), max_length=10, choices=Registration.Attendance.choices, blank=True
    )
    # For an undone check-in: when that check-in had been made (the registration forgets it).
    checked_in_at = models.DateTimeField(_("undone check-in made"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the staff account is deleted later, so the trail still says who.
    by_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance changes")
        indexes = [models.Index(fields=["registration", "at"], name="attendancechange_trail")]

    def __str__(self):
        return f"{self.get_action_display()} · {self.registration_id} · {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An e-mail that went to a registrant. The unique key makes each one go exactly once, even
    when a job or a task runs twice."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmation")
        WAITLISTED = "waitlisted", _("On the waitlist")
        PROMOTED = "promoted", _("Seat confirmed from the waitlist")
        OFFERED = "offered", _("Seat offered")
        OFFER_LAPSED = "offer_lapsed", _("Offer lapsed")
        REMINDER = "reminder", _("Reminder")
        CHANGED = "changed", _("Event changed")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
        RATING = "rating", _("Rating request")

    wagtail_reference_index_ignore = True

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Tells apart e-mails of one kind that may legitimately go more than once (each change).
    key = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("e-mail sent")
        verbose_name_plural = _("e-mails sent")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "key"], name="notification_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.registration_id}"


class SessionRating(models.Model):
    """An attendee's rating of a lecturer-led session: 1–5 and an optional comment."""

    wagtail_reference_index_ignore = True

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(
        pgettext_lazy("event feedback", "comment"), max_length=1000, blank=True
    )
    created_at = models.DateTimeField(_("rated"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("session rating")
        verbose_name_plural = _("session ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="sessionrating_score_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.score}/5 · {self.registration}"
