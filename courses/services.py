"""Every change to a learner's record: enrol, open a lesson, complete it, answer its check.

One function per intention, one transaction each. The enrolment row is the lock that guards a
learner's course: whoever holds it decides, on a consistent view of their lessons, whether the
course is now complete, so completion is recorded (and `course_completed` sent) exactly once.

`course_completion()` is the one question other apps ask: has this user completed course X, and
when?
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from academy.errors import AcademyError

from .grading import Answers, CheckResult, grade, to_stored
from .models import CoursePage, CoursePrerequisite, Enrollment, LessonPage, LessonProgress
from .signals import course_completed

# --- Domain errors (views turn them into a message and a 4xx) ----------------------------------


class LearningError(AcademyError):
    """A learning rule said no (course not open, prerequisite missing…)."""


class CourseNotOpen(LearningError):
    status = 404


class PrerequisiteMissing(LearningError):
    status = 409

    def __init__(self, course: CoursePage, missing: list[CoursePage]):
        super().__init__(f"{course} needs {', '.join(str(c) for c in missing)} first")
        self.course = course
        self.missing = missing


class NotEnrolled(LearningError):
    status = 403

    def __init__(self, course: CoursePage):
        super().__init__(f"not enrolled in {course}")
        self.course = course


class CheckRequired(LearningError):
    """The lesson completes by passing its knowledge check, not by a click."""

    status = 409


class NoKnowledgeCheck(LearningError):
    status = 400


class InvalidAnswers(LearningError):
    status = 400


# --- Reading what other apps need -------------------------------------------------------------


def course_completion(user, course: CoursePage | int) -> datetime | None:
    """When `user` completed `course` (a page or its id), or None if they have not (yet)."""
    if user is None or not user.is_authenticated:
        return None
    course_id = course if isinstance(course, int) else course.pk
    return (
        Enrollment.objects.filter(user_id=user.pk, course_id=course_id)
        .values_list("completed_at", flat=True)
        .first()
    )


def course_completions(user, course_ids: Iterable[int] | None = None) -> dict[int, datetime]:
    """{course id: completed at} for every course `user` completed (among `course_ids`)."""
    if user is None or not user.is_authenticated:
        return {}
    queryset = Enrollment.objects.filter(user_id=user.pk, completed_at__isnull=False)
    if course_ids is not None:
        queryset = queryset.filter(course_id__in=list(course_ids))
    return dict(queryset.values_list("course_id", "completed_at"))


def learners_who_completed(course_id: int) -> QuerySet[Enrollment]:
    """The ids (`user_id`) of everyone who completed the course, as a subquery."""
    return Enrollment.objects.filter(course_id=course_id, completed_at__isnull=False).values(
        "user_id"
    )


def missing_prerequisites(user, course: CoursePage) -> list[CoursePage]:
    """Prerequisite courses `user` has not completed, in the order the course lists them.

    A prerequisite that is not live is skipped: nobody could complete it, so it cannot bar anyone.
    """
    required = [
        link.required_course
        for link in CoursePrerequisite.objects.filter(page=course)
        .exclude(required_course_id=course.pk)
        .select_related("required_course")
        .order_by("sort_order", "pk")
        if link.required_course.live
    ]
    if not required:
        return []
    done = course_completions(user, [c.pk for c in required])
    return [c for c in required if c.pk not in done]


def required_lesson_ids(course: CoursePage) -> list[int]:
    """The live lessons a learner must complete; all of them if every lesson is optional."""
    lessons = list(
        LessonPage.objects.live().child_of(course).values_list("pk", "optional").order_by("path")
    )
    required = [pk for pk, optional in lessons if not optional]
    return required or [pk for pk, _ in lessons]


def course_of(lesson: LessonPage) -> CoursePage:
    return CoursePage.objects.get(path=lesson.path[: -lesson.steplen])


# --- Changing a learner's record ----------------------------------------------------------------


@dataclass
class LessonOutcome:
    progress: LessonProgress
    enrollment: Enrollment
    course_completed_now: bool
    check: CheckResult | None = None


def enrol(user, course: CoursePage) -> tuple[Enrollment, bool]:
    """Enrol `user` in `course` (free, one click); returns (enrolment, created). Idempotent."""
    if not course.live:
        raise CourseNotOpen(str(course))
    with transaction.atomic():
        existing = Enrollment.objects.filter(user=user, course=course).first()
        if existing is not None:
            return existing, False
        missing = missing_prerequisites(user, course)
        if missing:
            raise PrerequisiteMissing(course, missing)
        try:
            # A double click races here; the unique constraint lets one insert win.
            with transaction.atomic():
                return Enrollment.objects.create(user=user, course=course), True
        except IntegrityError:
            return Enrollment.objects.get(user=user, course=course), False


def record_visit(enrollment: Enrollment, lesson: LessonPage) -> None:
    """Remember the lesson a learner opened last, so the course page can resume there."""
    if enrollment.last_lesson_id != lesson.pk:
        Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson)
        enrollment.last_lesson_id = lesson.pk


def mark_lesson_complete(user, lesson: LessonPage) -> LessonOutcome:
    """Complete a lesson without a knowledge check; completes the course when it was the last."""
    if lesson.knowledge_check is not None:
        raise CheckRequired(str(lesson))
    course = course_of(lesson)
    with transaction.atomic():
        enrollment = _lock_enrollment(user, course)
        progress, _ = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
        if progress.completed_at is None:
            progress.completed_at = timezone.now()
            progress.save(update_fields=["completed_at", "updated_at"])
        completed_now = _record_course_progress(enrollment, course, lesson)
    return LessonOutcome(progress, enrollment, completed_now)


def submit_knowledge_check(user, lesson: LessonPage, answers: Answers) -> LessonOutcome:
    """Grade the learner's answers on the server; passing completes the lesson."""
    check = lesson.knowledge_check
    if check is None:
        raise NoKnowledgeCheck(str(lesson))
    _validate_answers(check.value, answers)
    result = grade(check.value, answers)
    course = course_of(lesson)
    with transaction.atomic():
        enrollment = _lock_enrollment(user, course)
        progress, _ = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
        progress.check_attempts += 1
        progress.check_score = result.score
        progress.check_answers = to_stored(answers)
        if result.passed and progress.completed_at is None:
            progress.completed_at = timezone.now()
        progress.save()
        completed_now = (
            _record_course_progress(enrollment, course, lesson) if result.passed else False
        )
        if not result.passed:
            _remember_last_lesson(enrollment, lesson)
    return LessonOutcome(progress, enrollment, completed_now, result)


def _lock_enrollment(user, course: CoursePage) -> Enrollment:
    # The lock serialises one learner's lesson completions in one course (see module docstring).
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if enrollment is None:
        raise NotEnrolled(course)
    return enrollment


def _remember_last_lesson(enrollment: Enrollment, lesson: LessonPage) -> None:
    if enrollment.last_lesson_id != lesson.pk:
        enrollment.last_lesson = lesson
        enrollment.save(update_fields=["last_lesson"])


def _record_course_progress(enrollment: Enrollment, course: CoursePage, lesson) -> bool:
    """Move the resume point on; record completion when every required lesson is done."""
    enrollment.last_lesson = lesson
    fields = ["last_lesson"]
    completed_now = False
    if enrollment.completed_at is None:
        required = required_lesson_ids(course)
        done = LessonProgress.objects.filter(
            user_id=enrollment.user_id, lesson_id__in=required, completed_at__isnull=False
        ).count()
        if required and done == len(required):
            enrollment.completed_at = timezone.now()
            fields.append("completed_at")
            completed_now = True
    enrollment.save(update_fields=fields)
    if completed_now:
        # Inside the transaction: what receivers record (outbox tasks) commits with the completion.
        course_completed.send(
            sender=CoursePage,
            user=enrollment.user,
            course=course,
            completed_at=enrollment.completed_at,
        )
    return completed_now


def _validate_answers(check, answers: Answers) -> None:
    """Every question answered with options that exist; single choice means one option."""
    questions = list(check["questions"])
    if set(answers) != set(range(len(questions))):
        raise InvalidAnswers("every question needs an answer")
    for index, question in enumerate(questions):
        chosen = answers[index]
        if not chosen or not all(0 <= c < len(question["options"]) for c in chosen):
            raise InvalidAnswers(f"question {index + 1}: unknown option")
        if not question["multiple"] and len(chosen) != 1:
            raise InvalidAnswers(f"question {index + 1}: choose one option")
