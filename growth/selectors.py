"""Read queries of the growth pages: the diagnosis result, the history, the team dashboard.

Every function here runs a fixed number of queries whatever the size of the team or history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.models import GrowthStage, Membership, Provider
from academy.selectors import pending_join_requests
from certification.models import Attempt, Certificate
from courses.models import Enrollment, LessonProgress
from events.models import Registration

from . import recommendations
from .charts import Bar, bar_chart
from .models import DIRECTIONS, ActionPlan, Diagnosis, Invitation, Level
from .peers import MIN_GROUP
from .plans import plan_of, plan_view
from .services.plans import may_edit_plan

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
    chart = bar_chart(
        [Bar(d.label, d.percent, d.level_label) for d in directions],
        title=_("Level per direction"),
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


def team_members(provider: Provider) -> list[MemberRow]:
    """Members with counts, courses, latest exam outcomes and certificates (5 queries)."""
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
    for enrollment in (
        Enrollment.objects.filter(user_id__in=user_ids)
        .select_related("course")
        .order_by("-enrolled_at")
    ):
        rows[enrollment.user_id].courses.append(enrollment)
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


def team_context(provider: Provider) -> dict:
    rows = team_members(provider)
    return {
        "provider": provider,
        "rows": rows,
        "totals": team_totals(rows),
        "invitations": team_invitations(provider),
        "join_requests": list(pending_join_requests(provider)),
        "roles": Membership.Role.choices,
    }
