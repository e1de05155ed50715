"""Course progress of many people in many courses at once (the team page, assignments).

Three queries whatever the number of people or courses: their enrolments, the courses' live
lessons, and the completed lessons among those. Progress counts required lessons, like the
learner's own course page (courses.selectors.CourseProgress).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from courses.models import CoursePage, Enrollment, LessonPage, LessonProgress
from courses.selectors import CourseProgress


@dataclass
class TeamLearning:
    """Who is enrolled where, and each course's lessons with who completed them."""

    enrollments: dict[tuple[int, int], Enrollment] = field(default_factory=dict)
    lessons: dict[int, list[LessonPage]] = field(default_factory=dict)
    completed: dict[int, set[int]] = field(default_factory=dict)  # user id → lesson ids

    def progress(self, user_id: int, course_id: int) -> CourseProgress:
        lessons = self.lessons.get(course_id, [])
        done = self.completed.get(user_id, set())
        return CourseProgress(
            lessons,
            self.enrollments.get((user_id, course_id)),
            {lesson.pk for lesson in lessons} & done,
        )


def team_learning(user_ids: list[int], extra_courses: list[CoursePage] = ()) -> TeamLearning:
    """Progress of `user_ids` in every course they enrolled in, and in `extra_courses` (courses
    assigned to them that they may not have opened yet)."""
    learning = TeamLearning()
    if not user_ids:
        return learning
    enrollments = list(
        Enrollment.objects.filter(user_id__in=user_ids)
        .select_related("course")
        .order_by("-enrolled_at", "pk")
    )
    learning.enrollments = {(e.user_id, e.course_id): e for e in enrollments}
    courses = {e.course_id: e.course for e in enrollments}
    courses.update({c.pk: c for c in extra_courses})
    if not courses:
        return learning
    same_course = Q()
    for course in courses.values():
        same_course |= Q(path__startswith=course.path, depth=course.depth + 1)
    by_path = {c.path: c.pk for c in courses.values()}
    lessons = defaultdict(list)
    for lesson in (
        LessonPage.objects.live()
        .filter(same_course)
        .only("pk", "path", "depth", "optional", "title")
        .order_by("path")
    ):
        lessons[by_path[lesson.path[: -lesson.steplen]]].append(lesson)
    learning.lessons = dict(lessons)
    lesson_ids = [lesson.pk for group in lessons.values() for lesson in group]
    completed = defaultdict(set)
    if lesson_ids:
        for user_id, lesson_id in LessonProgress.objects.filter(
            user_id__in=user_ids, lesson_id__in=lesson_ids, completed_at__isnull=False
        ).values_list("user_id", "lesson_id"):
            completed[user_id].add(lesson_id)
    learning.completed = dict(completed)
    return learning
