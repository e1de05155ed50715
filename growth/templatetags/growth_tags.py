"""Template tags for pages that show growth's records without their views knowing about them:
the action plan on the team dashboard (one include line there)."""

from django import template

from ..plans import current_plan, plan_view

register = template.Library()


@register.simple_tag
def action_plan_for(provider):
    """The provider's current plan with progress, or None (at most 5 queries; 1 without a plan)."""
    if provider is None:
        return None
    plan = current_plan(provider)
    return plan_view(plan) if plan else None
