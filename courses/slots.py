"""The reader's own marks on course cards that are otherwise shared (academy/fragments.py, slots)."""

from __future__ import annotations

from academy import fragments

from .models import Enrollment
from .selectors import is_learner, learner_status


@fragments.register_slot("course-status", template="courses/includes/course_status.html")
def course_statuses(request, course_ids: list[int]) -> dict[int, str]:
    """{course id: 'enrolled' / 'completed'} for the courses the reader enrolled in: one query."""
    user = getattr(request, "user", None)
    if not is_learner(user):
        return {}
    rows = Enrollment.objects.filter(user=user, course_id__in=course_ids)
    return {pk: learner_status(done) for pk, done in rows.values_list("course_id", "completed_at")}
