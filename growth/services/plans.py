"""Action plans: a provider's administrators adopt the plan the diagnosis recommends, then edit
its courses, events, certificates and target dates.

Who may act: the provider's administrators only (members read the plan). A plan belongs to one
diagnosis, the provider's latest when it is adopted; adopting twice returns the plan already
there (a row lock on the diagnosis serialises two admins pressing "adopt" at once, and the
one-to-one column holds it).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.models import Membership
from certification.models import Programme
from courses.models import CoursePage
from events.models import EventPage

from ..models import ActionPlan, ActionPlanItem, Diagnosis
from . import GrowthError

# Target dates the recommended plan proposes, by priority: one month for each rank.
DAYS_PER_RANK = 30


def may_edit_plan(user, provider_id: int) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(
            user_id=user.pk, provider_id=provider_id, role=Membership.Role.ADMIN
        ).exists()
    )


def _check_admin(user, provider_id: int) -> None:
    if not may_edit_plan(user, provider_id):
        raise GrowthError(_("Only your company's administrators adopt and edit the plan."), 403)


def recommended_items(diagnosis: Diagnosis, user) -> list[ActionPlanItem]:
    """The plan the diagnosis recommends, unsaved: each priority's course and event, due one
    month per rank (an event on its own date)."""
    from ..recommendations import recommend

    today = timezone.localdate()
    items: list[ActionPlanItem] = []
    for priority in recommend(diagnosis, user).priorities:
        due = today + timedelta(days=DAYS_PER_RANK * priority.rank)
        for action in priority.actions:
            if action.kind == "course":
                items.append(
                    ActionPlanItem(
                        direction=priority.direction, course=action.page, target_date=due
                    )
                )
            elif action.kind == "event":
                items.append(
                    ActionPlanItem(
                        direction=priority.direction,
                        event=action.page,
                        target_date=timezone.localdate(action.page.start),
                    )
                )
    return items


@transaction.atomic
def adopt_plan(user, diagnosis: Diagnosis) -> ActionPlan:
    """Adopt the recommended plan for the provider's latest diagnosis."""
    _check_admin(user, diagnosis.provider_id)
    locked = Diagnosis.objects.select_for_update().get(pk=diagnosis.pk)
    existing = ActionPlan.objects.filter(diagnosis=locked).first()
    if existing is not None:
        return existing
    latest = (
        Diagnosis.objects.filter(provider_id=locked.provider_id, state=Diagnosis.State.COMPLETED)
        .order_by("-completed_at")
        .values_list("pk", flat=True)
        .first()
    )
    if locked.state != Diagnosis.State.COMPLETED or latest != locked.pk:
        raise GrowthError(_("A plan is adopted from your latest diagnosis result."), 400)
    plan = ActionPlan.objects.create(
        provider_id=locked.provider_id, diagnosis=locked, adopted_by=user
    )
    unique, seen = [], set()
    for item in recommended_items(locked, user):
        if (item.kind, item.target.pk) not in seen:
            seen.add((item.kind, item.target.pk))
            item.plan, item.sort_order = plan, len(unique)
            unique.append(item)
    ActionPlanItem.objects.bulk_create(unique)
    return plan


def _locked_plan(user, plan_id: int, provider_id: int) -> ActionPlan:
    plan = (
        ActionPlan.objects.select_for_update().filter(pk=plan_id, provider_id=provider_id).first()
    )
    if plan is None:
        raise GrowthError(_("This plan does not exist."), 404)
    _check_admin(user, plan.provider_id)
    return plan


@transaction.atomic
def edit_plan(
    user,
    plan: ActionPlan,
    *,
    dates: dict[int, date | None],
    remove: set[int],
    add: tuple[str, int, date | None] | None = None,
) -> ActionPlan:
    """Change target dates, remove items and add one course, event or programme."""
    plan = _locked_plan(user, plan.pk, plan.provider_id)
    items = {i.pk: i for i in plan.items.all()}
    if not set(dates) | remove <= set(items):
        raise GrowthError(_("One of the items does not belong to this plan."), 400)
    if remove:
        ActionPlanItem.objects.filter(plan=plan, pk__in=remove).delete()
    for pk, target_date in dates.items():
        if pk in remove or items[pk].target_date == target_date:
            continue
        items[pk].target_date = target_date
        items[pk].save(update_fields=["target_date"])
    if add is not None:
        kind, pk, target_date = add
        target = _addable(kind, pk)
        if plan.items.filter(**{kind: target}).exists():
            raise GrowthError(_("This is already in the plan."), 400)
        last = max((i.sort_order for i in items.values()), default=0)
        ActionPlanItem.objects.create(
            plan=plan, **{kind: target}, target_date=target_date, sort_order=last + 1
        )
    plan.save(update_fields=["updated_at"])
    return plan


def _addable(kind: str, pk: int):
    """A live course, an upcoming event or a programme: what a plan may hold."""
    if kind == "course":
        found = CoursePage.objects.live().public().filter(pk=pk).first()
    elif kind == "event":
        found = (
            EventPage.objects.live()
            .public()
            .filter(pk=pk, start__gte=timezone.now(), cancelled_at__isnull=True)
            .first()
        )
    elif kind == "programme":
        found = Programme.objects.filter(pk=pk).first()
    else:
        found = None
    if found is None:
        raise GrowthError(_("Choose a course, an upcoming event or a programme."), 400)
    return found
