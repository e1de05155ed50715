"""Template tags for pages that show growth's records without their views knowing about them:
the action plan on the team dashboard (one include line there)."""

from django import template

from ..plans import current_plan, plan_view
from ..recommendations import latest_diagnosis

register = template.Library()


@register.simple_tag
def action_plan_for(provider):
    """The provider's current plan with progress, or None (6 queries with a plan, 2 without)."""
    if provider is None:
        return None
    plan = current_plan(provider)
    return plan_view(plan) if plan else None


@register.simple_tag
def latest_result_of(provider):
    return latest_diagnosis(provider.pk) if provider is not None else None
