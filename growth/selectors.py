"""Read queries of the growth pages: the diagnosis result, the history, the team dashboard.

Every function here runs a fixed number of queries whatever the size of the team or history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.charts import Bar, bar_chart
from academy.localisation import originals
from academy.models import GrowthStage, Membership, Provider
from academy.selectors import pending_join_requests
from certification.models import Attempt, Certificate
from certification.services import course_certificates
from courses.models import CoursePage, Enrollment, LearningPath, LessonProgress
from events.models import Registration

from . import recommendations
from .learning import team_learning
from .models import DIRECTIONS, ActionPlan, Diagnosis, Invitation, Level
from .peers import MIN_GROUP
from .plans import plan_of, plan_view
from .services import assignments as assignment_rules
from .services.plans import may_edit_plan
from .team_models import JoinLink

STAGE_ORDER = [s.value for s in GrowthStage]

ADVICE = {
    GrowthStage.CREATE: gettext_lazy(
        "Get the foundations in place: provider registration, a first mini-program delivered "
        "end to end, and the first paying merchants."
    ),
    GrowthStage.CAPABILITY: gettext_lazy(
        "Build product depth: payments, membership and marketing features your merchants ask "
        "for, and people who can build them well."
    ),
    GrowthStage.OPERATIONS: gettext_lazy(
        "Deliver efficiently: standard delivery checklists, support processes and figures that "
        "show merchants their results."
    ),
    GrowthStage.EXPANSION: gettext_lazy(
        "Grow the business: new industries and cities, partnerships, and solutions you can "
        "repeat for many merchants."
    ),
}


def next_stage(stage: str) -> str:
    return recommendations.next_stage(stage)


# --- Diagnosis ----------------------------------------------------------------------------------


@dataclass
class DirectionResult:
    direction: str
    label: str
    percent: int
    points: int
    max: int
    level: int
    level_label: str
    change: int | None = None  # percentage points since the previous diagnosis
    advice: str = ""

    @property
    def change_text(self) -> str:
        """The change with its sign and unit: "+10 points", "−40 points" (a real minus)."""
        if self.change is None:
            return ""
        signed = (
            f"+{self.change}" if self.change > 0 else f"−{-self.change}" if self.change else "±0"
        )
        return _("%(change)s points") % {"change": signed}


def direction_results(diagnosis: Diagnosis, previous: Diagnosis | None = None) -> list:
    results = []
    for direction in DIRECTIONS:
        score = diagnosis.scores.get(direction)
        if not score:
            continue
        before = previous.scores.get(direction) if previous else None
        results.append(
            DirectionResult(
                direction=direction,
                label=str(GrowthStage(direction).label),
                percent=score["percent"],
                points=score["points"],
                max=score["max"],
                level=score["level"],
                level_label=str(Level(score["level"]).label),
                change=score["percent"] - before["percent"] if before else None,
                advice=str(ADVICE[GrowthStage(direction)]),
            )
        )
    return results


def previous_of(diagnosis: Diagnosis) -> Diagnosis | None:
    return (
        Diagnosis.objects.filter(
            provider_id=diagnosis.provider_id,
            state=Diagnosis.State.COMPLETED,
            completed_at__lt=diagnosis.completed_at,
        )
        .order_by("-completed_at")
        .first()
    )


def history(provider: Provider) -> list[Diagnosis]:
    """Completed diagnoses, newest first, each with `.previous_stage` and `.change` in points."""
    done = list(
        Diagnosis.objects.filter(provider=provider, state=Diagnosis.State.COMPLETED)
        .annotate(has_plan=Exists(ActionPlan.objects.filter(diagnosis_id=OuterRef("pk"))))
        .order_by("-completed_at")
    )
    for newer, older in zip(done, done[1:] + [None], strict=False):
        newer.previous_stage = older.stage if older else ""
        newer.change = newer.total_percent - older.total_percent if older is not None else None
    return done


def result_context(diagnosis: Diagnosis, user) -> dict:
    previous = previous_of(diagnosis)
    directions = direction_results(diagnosis, previous)
    found = recommendations.recommend(diagnosis, user)
    headings = [_("Direction"), _("Score"), _("Level")]
    if previous is not None:
        headings.append(_("Change since last time"))
    chart = bar_chart(
        [Bar(d.label, d.percent, d.level_label) for d in directions],
        title=_("Level per direction"),
        headings=headings,
        # The table says more than the bars: the points behind each score, and the change.
        rows=[
            [d.label, f"{d.percent}% ({d.points}/{d.max})", d.level_label]
            + ([d.change_text if d.change is not None else "—"] if previous is not None else [])
            for d in directions
        ],
        maximum=100,
        unit="%",
        chart_id="diagnosis-chart",
        bar_width=200,
        value_width=190,
        font_size=18,
    )
    return {
        "diagnosis": diagnosis,
        "provider": diagnosis.provider,
        "previous": previous,
        "directions": directions,
        "chart": chart,
        "strengths": [d for d in directions if d.level == Level.ESTABLISHED],
        "developing": [d for d in directions if d.level == Level.DEVELOPING],
        "gaps": [d for d in directions if d.level == Level.GAP],
        "stage": GrowthStage(diagnosis.stage),
        "stage_changed": previous is not None and previous.stage != diagnosis.stage,
        "previous_stage": GrowthStage(previous.stage) if previous else None,
        "next_stage": GrowthStage(found.next_stage),
        "at_top": found.at_top,
        "priorities": found.priorities,
        "peers": found.peers,
        "min_group": MIN_GROUP,
        "learning": found.learning,
        "paths": [found.learning.path] if found.learning.path else [],
        "cases": found.benchmarks.cases,
        "cases_scope": found.benchmarks.scope,
        "events": found.events,
        "plan": plan_view(plan) if (plan := plan_of(diagnosis)) else None,
        "may_edit_plan": may_edit_plan(user, diagnosis.provider_id),
        "is_latest": is_latest(diagnosis),
    }


def is_latest(diagnosis: Diagnosis) -> bool:
    """Whether no completed diagnosis of the provider is newer than this one."""
    return not Diagnosis.objects.filter(
        provider_id=diagnosis.provider_id,
        state=Diagnosis.State.COMPLETED,
        completed_at__gt=diagnosis.completed_at,
    ).exists()


# --- Team dashboard -----------------------------------------------------------------------------


def _count(queryset, user_field: str = "user") -> Coalesce:
    """A per-member count as a correlated subquery, so several counts never multiply rows."""
    counted = (
        queryset.filter(**{user_field: OuterRef("user_id")})
        .order_by()
        .values(user_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


ATTENDED = [Registration.Attendance.ATTENDED, Registration.Attendance.PARTIAL]


@dataclass
class MemberRow:
    membership: Membership
    courses: list = field(default_factory=list)
    exams: list = field(default_factory=list)  # latest graded attempt per exam
    certificates: list = field(default_factory=list)
    course_certificates: list = field(default_factory=list)  # valid ones, newest first
    assignments: list = field(default_factory=list)  # MemberAssignment, soonest due first

    @property
    def overdue(self) -> list:
        return [a for a in self.assignments if a.is_overdue]


def team_members(provider: Provider, assignments: list | None = None) -> list[MemberRow]:
    """Members with counts, courses (with lessons done), latest exam outcomes, certificates and
    course certificates (8 queries)."""
    memberships = list(
        Membership.objects.filter(provider=provider)
        .select_related("user")
        .annotate(
            enrolled=_count(Enrollment.objects.all()),
            completed=_count(Enrollment.objects.filter(completed_at__isnull=False)),
            lessons_done=_count(LessonProgress.objects.filter(completed_at__isnull=False)),
            attended=_count(Registration.objects.filter(attendance__in=ATTENDED)),
        )
        .order_by("role", "user__display_name", "user__email")
    )
    user_ids = [m.user_id for m in memberships]
    rows = {m.user_id: MemberRow(m) for m in memberships}
    assignments = assignments or []
    assigned = {c.pk: c for a in assignments for c in assignment_rules.courses_of(a)}
    learning = team_learning(user_ids, list(assigned.values()))
    for (user_id, course_id), enrollment in learning.enrollments.items():
        # Partial progress too: lessons done of the course's required lessons.
        enrollment.progress = learning.progress(user_id, course_id)
        rows[user_id].courses.append(enrollment)
    today = timezone.localdate()
    for row in rows.values():
        row.assignments = sorted(
            (
                assignment_rules.member_assignment(a, row.membership, learning, today)
                for a in assignments
                if assignment_rules.applies_to(a, row.membership)
            ),
            key=lambda standing: standing.due,
        )
    # Scores and pass/fail only: answers are never read here.
    seen = set()
    for attempt in (
        Attempt.objects.filter(user_id__in=user_ids, state=Attempt.State.GRADED)
        .select_related("exam")
        .order_by("user_id", "exam_id", "-graded_at", "-pk")
    ):
        if (attempt.user_id, attempt.exam_id) not in seen:
            seen.add((attempt.user_id, attempt.exam_id))
            rows[attempt.user_id].exams.append(attempt)
    for certificate in (
        Certificate.objects.filter(holder_id__in=user_ids)
        .select_related("programme")
        .order_by("-issued_at")
    ):
        rows[certificate.holder_id].certificates.append(certificate)
    for course_certificate in course_certificates.certificates_of_holders(user_ids):
        rows[course_certificate.holder_id].course_certificates.append(course_certificate)
    return list(rows.values())


def team_totals(rows: list[MemberRow]) -> dict:
    return {
        "members": len(rows),
        "admins": sum(r.membership.role == Membership.Role.ADMIN for r in rows),
        "enrolled": sum(r.membership.enrolled for r in rows),
        "completed": sum(r.membership.completed for r in rows),
        "lessons_done": sum(r.membership.lessons_done for r in rows),
        "attended": sum(r.membership.attended for r in rows),
        "exams_passed": sum(sum(bool(a.passed) for a in r.exams) for r in rows),
        "exams_failed": sum(sum(a.passed is False for a in r.exams) for r in rows),
        "certificates": sum(
            sum(c.status == Certificate.Status.VALID for c in r.certificates) for r in rows
        ),
    }


def team_invitations(provider: Provider) -> list[Invitation]:
    return list(
        Invitation.objects.filter(provider=provider, accepted_at__isnull=True).order_by(
            "-created_at"
        )[:50]
    )


@dataclass
class AssignmentRow:
    """One assignment on the team page, with each covered member's standing."""

    assignment: Any
    members: list = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(m.state == state for m in self.members)

    @property
    def done(self) -> int:
        return self.count(assignment_rules.DONE)

    @property
    def overdue(self) -> int:
        return self.count(assignment_rules.OVERDUE)


def team_context(provider: Provider) -> dict:
    """Everything the team page shows, in a fixed number of queries."""
    from .services import team as team_rules

    assignments = list(assignment_rules.open_assignments(provider_id=provider.pk))
    rows = team_members(provider, assignments)
    by_assignment = {a.pk: AssignmentRow(a) for a in assignments}
    for row in rows:
        for standing in row.assignments:
            by_assignment[standing.assignment.pk].members.append(standing)
    return {
        "provider": provider,
        "rows": rows,
        "totals": team_totals(rows),
        "invitations": team_invitations(provider),
        "join_requests": list(pending_join_requests(provider)),
        "roles": Membership.Role.choices,
        "assignments": list(by_assignment.values()),
        "overdue": [s for row in rows for s in row.overdue],
        "join_link": JoinLink.objects.filter(provider=provider).first(),
        "recent_removals": team_rules.recent_removals(provider),
        "recent_revocations": team_rules.recent_revocations(provider),
    }


def assignable(provider: Provider) -> dict:
    """What an admin can assign: live public courses and the learning paths (2 queries)."""
    return {
        "courses": list(originals(CoursePage.objects.live()).public().order_by("path")),
        "paths": list(LearningPath.objects.order_by("growth_stage", "sort_order", "title")),
    }


def my_assignments(user) -> list:
    """The signed-in member's open assignments with their standing, soonest due first."""
    membership = Membership.objects.filter(user_id=user.pk).select_related("provider").first()
    if membership is None:
        return []
    assignments = [
        a
        for a in assignment_rules.open_assignments(provider_id=membership.provider_id)
        if assignment_rules.applies_to(a, membership)
    ]
    if not assignments:
        return []
    courses = {c.pk: c for a in assignments for c in assignment_rules.courses_of(a)}
    learning = team_learning([user.pk], list(courses.values()))
    today = timezone.localdate()
    return sorted(
        (assignment_rules.member_assignment(a, membership, learning, today) for a in assignments),
        key=lambda standing: (standing.is_done, standing.due),
    )
