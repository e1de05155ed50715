"""Reading action plans: each item's progress from the team's own records, computed when the
plan is shown, so nothing is ticked by hand and nothing can drift.

A course counts as done when a member completed it, an event when a member attended it, a
programme when a member holds a valid certificate; "started" is an enrolment, a sign-up. Three
aggregate queries for the whole plan (one per kind), whatever the size of the team.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from academy.models import Provider
from certification.models import Certificate
from courses.models import Enrollment
from events.models import Registration

from .models import ActionPlan, ActionPlanItem, Diagnosis

ATTENDED = [Registration.Attendance.ATTENDED, Registration.Attendance.PARTIAL]


@dataclass
class ItemProgress:
    item: ActionPlanItem
    done: int = 0  # members who completed, attended or are certified
    started: int = 0  # members enrolled or signed up (done included)

    @property
    def status(self) -> str:
        if self.done:
            return "done"
        if self.item.target_date and self.item.target_date < timezone.localdate():
            return "overdue"
        return "started" if self.started else "todo"


@dataclass
class PlanView:
    plan: ActionPlan
    items: list[ItemProgress] = field(default_factory=list)
    members: int = 0

    @property
    def done(self) -> int:
        return sum(i.status == "done" for i in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def overdue(self) -> int:
        return sum(i.status == "overdue" for i in self.items)


def plan_view(plan: ActionPlan) -> PlanView:
    """The plan with each item's progress (5 queries)."""
    items = list(
        plan.items.select_related("course", "event", "programme").order_by("sort_order", "pk")
    )
    provider_id = plan.provider_id
    in_team = Q(user__academy_membership__provider_id=provider_id)
    courses = [i.course_id for i in items if i.course_id]
    events = [i.event_id for i in items if i.event_id]
    programmes = [i.programme_id for i in items if i.programme_id]
    counts: dict[tuple[str, int], tuple[int, int]] = {}
    if courses:
        for row in (
            Enrollment.objects.filter(in_team, course_id__in=courses)
            .values("course_id")
            .annotate(
                started=Count("user_id", distinct=True),
                done=Count("user_id", filter=Q(completed_at__isnull=False), distinct=True),
            )
            .order_by()
        ):
            counts["course", row["course_id"]] = (row["done"], row["started"])
    if events:
        for row in (
            Registration.objects.filter(in_team, event_id__in=events)
            .exclude(status=Registration.Status.CANCELLED)
            .values("event_id")
            .annotate(
                started=Count("user_id", distinct=True),
                done=Count("user_id", filter=Q(attendance__in=ATTENDED), distinct=True),
            )
            .order_by()
        ):
            counts["event", row["event_id"]] = (row["done"], row["started"])
    if programmes:
        for row in (
            Certificate.objects.filter(
                holder__academy_membership__provider_id=provider_id,
                programme_id__in=programmes,
                status=Certificate.Status.VALID,
            )
            .values("programme_id")
            .annotate(done=Count("holder_id", distinct=True))
            .order_by()
        ):
            counts["programme", row["programme_id"]] = (row["done"], row["done"])
    view = PlanView(plan)
    for item in items:
        done, started = counts.get((item.kind, item.target.pk), (0, 0))
        view.items.append(ItemProgress(item, done, started))
    return view


def plan_of(diagnosis: Diagnosis) -> ActionPlan | None:
    return ActionPlan.objects.filter(diagnosis=diagnosis).select_related("adopted_by").first()


def current_plan(provider: Provider) -> ActionPlan | None:
    """The plan of the provider's newest diagnosis that has one."""
    return (
        ActionPlan.objects.filter(provider=provider)
        .select_related("diagnosis", "adopted_by")
        .order_by("-diagnosis__completed_at")
        .first()
    )


def addable_choices() -> list:
    """What an administrator may add to a plan, grouped for a <select> (3 queries)."""
    from django.utils.translation import gettext as _

    from academy.localisation import originals
    from certification.models import Programme
    from courses.models import CoursePage
    from events.models import EventPage

    courses = originals(CoursePage.objects.live()).public().order_by("path").only("pk", "title")
    events = (
        originals(EventPage.objects.live())
        .public()
        .filter(start__gte=timezone.now(), cancelled_at__isnull=True)
        .order_by("start")
        .only("pk", "title", "start")
    )
    programmes = Programme.objects.filter(is_active=True).order_by("title").only("pk", "title")
    return [
        (_("Courses"), [(f"course:{c.pk}", c.title) for c in courses]),
        (
            _("Upcoming events"),
            [(f"event:{e.pk}", f"{e.title} ({e.start:%Y-%m-%d})") for e in events],
        ),
        (_("Certificates"), [(f"programme:{p.pk}", p.title) for p in programmes]),
    ]
