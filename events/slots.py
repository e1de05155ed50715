"""The reader's own registration on event cards that are otherwise shared (academy/fragments.py)."""

from __future__ import annotations

from academy import fragments

from .models import Registration


@fragments.register_slot("event-registration", template="events/includes/registration_badge.html")
def my_registrations(request, event_ids: list[int]) -> dict[int, Registration]:
    """{event id: the reader's active registration}: one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    registrations = Registration.objects.filter(
        user_id=user.pk, event_id__in=event_ids, status__in=Registration.ACTIVE
    )
    return {registration.event_id: registration for registration in registrations}
