"""Learning assignments: an admin asks a member, or the whole team, to finish a course or a
learning path by a date; members see them on My academy, and a daily job e-mails a reminder a few
days before and one on the due date, once each.

Who is covered: an assignment to one member covers that member; one to the whole team covers
whoever is a member when it is read, people who join later included (growth/team_models.py).
A later joiner gets at least GROWTH_JOINER_GRACE_DAYS from their joining day (`due_for`).

State of one member's assignment, from their course completions (never stored, so it cannot go
stale): done (every course of it completed), overdue (not done and the due date has passed),
in progress (a lesson done or a course opened), not started.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from academy import outbox
from academy.models import Membership
from courses.models import CoursePage, LearningPath, LearningPathCourse
from courses.selectors import CourseProgress

from ..learning import TeamLearning
from ..team_models import Assignment
from . import GrowthError

DONE = "done"
OVERDUE = "overdue"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"

STATE_LABELS = {
    DONE: pgettext_lazy("assignment state", "done"),
    OVERDUE: pgettext_lazy("assignment state", "overdue"),
    IN_PROGRESS: pgettext_lazy("assignment state", "in progress"),
    NOT_STARTED: pgettext_lazy("assignment state", "not started"),
}

DUE_SOON = "due-soon"
DUE = "due"


def grace_days() -> int:
    return getattr(settings, "GROWTH_JOINER_GRACE_DAYS", 14)


def remind_days_before() -> int:
    return getattr(settings, "GROWTH_REMIND_DAYS_BEFORE", 3)


# --- Reading ---------------------------------------------------------------------------------------


def open_assignments(**filters) -> QuerySet[Assignment]:
    """Assignments not cancelled, with their course or path and the path's live courses
    (2 queries)."""
    path_courses = (
        LearningPathCourse.objects.filter(course__live=True)
        .select_related("course")
        .order_by("sort_order", "pk")
    )
    return (
        Assignment.objects.filter(cancelled_at__isnull=True, **filters)
        .select_related("course", "path", "user")
        .prefetch_related(Prefetch("path__path_courses", queryset=path_courses))
        .order_by("due_on", "pk")
    )


def courses_of(assignment: Assignment) -> list[CoursePage]:
    if assignment.course_id:
        return [assignment.course]
    return [pc.course for pc in assignment.path.path_courses.all()]


def applies_to(assignment: Assignment, membership: Membership) -> bool:
    if assignment.provider_id != membership.provider_id:
        return False
    return assignment.user_id is None or assignment.user_id == membership.user_id


def due_for(assignment: Assignment, membership: Membership) -> date:
    """The member's due date: the assignment's, or later for someone who joined after a
    whole-team assignment was made (they get the grace period from their joining day)."""
    if assignment.user_id is None and membership.joined_at > assignment.created_at:
        joined = timezone.localdate(membership.joined_at)
        return max(assignment.due_on, joined + timedelta(days=grace_days()))
    return assignment.due_on


@dataclass
class MemberAssignment:
    """One member's standing in one assignment."""

    assignment: Assignment
    membership: Membership
    due: date
    courses: list[tuple[CoursePage, CourseProgress]] = field(default_factory=list)
    today: date | None = None

    @property
    def courses_done(self) -> int:
        return sum(progress.is_complete for _, progress in self.courses)

    @property
    def lessons_done(self) -> int:
        return sum(progress.done for _, progress in self.courses)

    @property
    def lessons_total(self) -> int:
        return sum(progress.total for _, progress in self.courses)

    @property
    def percent(self) -> int:
        if self.is_done:
            return 100
        total = self.lessons_total
        return round(100 * self.lessons_done / total) if total else 0

    @property
    def is_done(self) -> bool:
        return bool(self.courses) and self.courses_done == len(self.courses)

    @property
    def state(self) -> str:
        if self.is_done:
            return DONE
        if (self.today or timezone.localdate()) > self.due:
            return OVERDUE
        if any(progress.started or progress.done for _, progress in self.courses):
            return IN_PROGRESS
        return NOT_STARTED

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def is_overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def days_left(self) -> int:
        return (self.due - (self.today or timezone.localdate())).days


def member_assignment(
    assignment: Assignment, membership: Membership, learning: TeamLearning, today: date
) -> MemberAssignment:
    return MemberAssignment(
        assignment,
        membership,
        due_for(assignment, membership),
        [(c, learning.progress(membership.user_id, c.pk)) for c in courses_of(assignment)],
        today,
    )


# --- Changing ------------------------------------------------------------------------------------


def _subject(value: str) -> tuple[CoursePage | None, LearningPath | None]:
    kind, _sep, pk = (value or "").partition(":")
    if not pk.isdigit():
        raise GrowthError(_("Choose a course or a learning path."), 400)
    if kind == "course":
        course = CoursePage.objects.live().filter(pk=int(pk)).first()
        if course is not None:
            return course, None
    elif kind == "path":
        path = LearningPath.objects.filter(pk=int(pk)).first()
        if path is not None:
            return None, path
    raise GrowthError(_("Choose a course or a learning path."), 400)


@transaction.atomic
def assign(admin: Membership, subject: str, member_id: int | None, due_on: date) -> Assignment:
    """Assign a course ("course:<id>") or a path ("path:<id>") to one member of the admin's team
    (membership id) or to the whole team (None), due on `due_on`. Assigning the same thing to
    the same people again moves the due date."""
    if due_on < timezone.localdate():
        raise GrowthError(_("The due date cannot be in the past."), 400)
    course, path = _subject(subject)
    user = None
    if member_id is not None:
        member = (
            Membership.objects.filter(pk=member_id, provider_id=admin.provider_id)
            .select_related("user")
            .first()
        )
        if member is None:
            raise GrowthError(_("No such member in your team."), 404)
        user = member.user
    existing = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(
            provider_id=admin.provider_id,
            user=user,
            course=course,
            path=path,
            cancelled_at__isnull=True,
        )
        .first()
    )
    if existing is not None:
        existing.due_on = due_on
        existing.save(update_fields=["due_on"])
        return existing
    return Assignment.objects.create(
        provider_id=admin.provider_id,
        user=user,
        course=course,
        path=path,
        due_on=due_on,
        assigned_by=admin.user,
    )


@transaction.atomic
def cancel_assignment(admin: Membership, assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(pk=assignment_id, provider_id=admin.provider_id)
        .select_related("course", "path")
        .first()
    )
    if assignment is None:
        raise GrowthError(_("No such assignment."), 404)
    if assignment.cancelled_at is None:
        assignment.cancelled_at = timezone.now()
        assignment.save(update_fields=["cancelled_at"])
    return assignment


# --- Reminders -----------------------------------------------------------------------------------


def reminder_kind(due: date, today: date) -> str | None:
    """Which reminder is due today: "due-soon" in the days before the due date, "due" on it (or
    up to two days later, should the daily job have missed the day itself)."""
    if due - timedelta(days=remind_days_before()) <= today < due:
        return DUE_SOON
    if due <= today <= due + timedelta(days=2):
        return DUE
    return None


def reminder_key(assignment_id: int, user_id: int, kind: str) -> str:
    return f"assignment:{assignment_id}:{user_id}:{kind}"


def queue_reminders(today: date | None = None) -> int:
    """Enqueue (outbox) one reminder task per member whose assignment is due soon or due today
    and not done; the task sends through send_once, so a day's job run twice, or the same
    reminder queued on consecutive days, still sends one mail. Returns how many were queued."""
    from academy.models import OutgoingMail

    from .. import tasks
    from ..learning import team_learning

    today = today or timezone.localdate()
    window_start = today - timedelta(days=2)
    # A whole-team assignment can be due later for a recent joiner than its own date: those are
    # read whatever their date (they are few), the member's own date decides.
    window_end = today + timedelta(days=remind_days_before())
    assignments = list(
        open_assignments(due_on__lte=window_end).filter(
            Q(due_on__gte=window_start) | Q(user__isnull=True)
        )
    )
    if not assignments:
        return 0
    provider_ids = {a.provider_id for a in assignments}
    memberships = list(Membership.objects.filter(provider_id__in=provider_ids))
    courses = {c.pk: c for a in assignments for c in courses_of(a)}
    learning = team_learning([m.user_id for m in memberships], list(courses.values()))
    wanted = []
    for assignment in assignments:
        for membership in memberships:
            if not applies_to(assignment, membership):
                continue
            standing = member_assignment(assignment, membership, learning, today)
            kind = reminder_kind(standing.due, today)
            if kind is None or standing.is_done:
                continue
            wanted.append((assignment.pk, membership.user_id, kind))
    sent = set(
        OutgoingMail.objects.filter(
            key__in=[reminder_key(*w) for w in wanted], status=OutgoingMail.Status.SENT
        ).values_list("key", flat=True)
    )
    queued = 0
    with transaction.atomic():
        for assignment_id, user_id, kind in wanted:
            if reminder_key(assignment_id, user_id, kind) in sent:
                continue
            outbox.enqueue(tasks.send_assignment_reminder, assignment_id, user_id, kind)
            queued += 1
    return queued
