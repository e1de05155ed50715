"""The reader's own marks on course cards that are otherwise shared (academy/fragments.py, slots)."""

from __future__ import annotations

from academy import fragments

from .selectors import learner_statuses


@fragments.register_slot("course-status", template="courses/includes/course_status.html")
def course_statuses(request, course_ids: list[int]) -> dict[int, str]:
    """{course id: 'enrolled' / 'completed'} for the courses the reader enrolled in: one query."""
    return learner_statuses(getattr(request, "user", None), course_ids)
