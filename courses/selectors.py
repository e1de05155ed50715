"""Read queries of the catalogue, course, lesson and case pages, and of My academy.

Each page's queries are decided here once: related rows are joined or prefetched, images come
with the renditions the template asks for, and nothing a template touches in a loop queries the
database. tests/courses/test_query_counts.py pins the ceilings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from wagtail.images import get_image_model

from academy import fragments
from academy.localisation import originals, show_in_reader_language
from academy.models import GrowthStage, Industry, Membership

from .forms import CaseFilterForm, CatalogueFilterForm, KnowledgeCheckForm
from .grading import correct_needed, from_stored, grade
from .media import lesson_players
from .models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LearningPath,
    LearningPathCourse,
    LessonPage,
    LessonProgress,
    Product,
)
from .recommending import recommend_learning
from .services import course_completions

PAGE_SIZE = 12
CARD_IMAGE = "fill-640x360"
HERO_IMAGE = "fill-1200x600"
GALLERY_IMAGE = "fill-600x450"
GALLERY_FULL = "max-1600x1200"
RELATED_CASES = 3


def with_cover(queryset: QuerySet, *specs: str) -> QuerySet:
    """Fetch each page's cover image with the named renditions: two queries for any number."""
    images = get_image_model().objects.prefetch_renditions(*specs)
    return queryset.prefetch_related(Prefetch("cover_image", queryset=images))


def is_learner(user) -> bool:
    return bool(user and user.is_authenticated)


# --- Progress ----------------------------------------------------------------------------------


@dataclass
class CourseProgress:
    """A learner's place in one course, computed from its live lessons and their progress."""

    lessons: list[LessonPage]
    enrollment: Enrollment | None = None
    completed_ids: set[int] = field(default_factory=set)

    @cached_property
    def required(self) -> list[LessonPage]:
        required = [lesson for lesson in self.lessons if not lesson.optional]
        return required or self.lessons

    @property
    def total(self) -> int:
        return len(self.required)

    @property
    def done(self) -> int:
        return sum(lesson.pk in self.completed_ids for lesson in self.required)

    @property
    def percent(self) -> int:
        if self.is_complete:
            return 100
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return bool(self.enrollment and self.enrollment.completed_at)

    @property
    def started(self) -> bool:
        return bool(self.completed_ids or (self.enrollment and self.enrollment.last_lesson_id))

    @cached_property
    def resume_lesson(self) -> LessonPage | None:
        """Where "Continue" leads: the last lesson opened if unfinished, else the next one."""
        if not self.lessons:
            return None
        ids = [lesson.pk for lesson in self.lessons]
        last = self.enrollment.last_lesson_id if self.enrollment else None
        start = ids.index(last) if last in ids else 0
        if last in ids and last not in self.completed_ids:
            return self.lessons[start]
        ordered = self.lessons[start:] + self.lessons[:start]
        for lesson in ordered:
            if lesson.pk not in self.completed_ids:
                return lesson
        return self.lessons[0]


def course_lessons(course: CoursePage) -> list[LessonPage]:
    """The course's live lessons in syllabus order, numbered; bodies are not loaded."""
    if not course.pk:
        return []
    lessons = list(LessonPage.objects.live().child_of(course).defer("body").order_by("path"))
    for number, lesson in enumerate(lessons, start=1):
        lesson.number = number
    return lessons


def enrollment_for(user, course: CoursePage) -> Enrollment | None:
    if not is_learner(user) or not course.pk:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def course_progress(user, course: CoursePage, lessons: list[LessonPage]) -> CourseProgress:
    enrollment = enrollment_for(user, course)
    completed = set()
    if enrollment is not None and lessons:
        completed = set(
            LessonProgress.objects.filter(
                user=user,
                lesson_id__in=[lesson.pk for lesson in lessons],
                completed_at__isnull=False,
            ).values_list("lesson_id", flat=True)
        )
    for lesson in lessons:
        lesson.is_done = lesson.pk in completed
    return CourseProgress(lessons, enrollment, completed)


# --- Catalogue and learning paths ----------------------------------------------------------------


def catalogue_courses(index_page: CourseIndexPage, filters: dict[str, str]) -> QuerySet:
    courses = CoursePage.objects.live().public().child_of(index_page).select_related("product")
    if "product" in filters:
        courses = courses.filter(product__slug=filters["product"])
    if "stage" in filters:
        courses = courses.filter(growth_stage=filters["stage"])
    if "level" in filters:
        courses = courses.filter(level=filters["level"])
    if "language" in filters:
        courses = courses.filter(language=filters["language"])
    return with_cover(courses, CARD_IMAGE).order_by("path")


def enrolment_statuses(user) -> dict[int, datetime | None]:
    """{course id: completed at (None while in progress)} for every course `user` enrolled in:
    one query for a page that marks several lists of courses (the catalogue and its paths)."""
    if not is_learner(user):
        return {}
    return dict(Enrollment.objects.filter(user=user).values_list("course_id", "completed_at"))


def learner_status(completed_at: datetime | None) -> str:
    """What a course card says of an enrolment: 'completed' or 'enrolled'."""
    return "completed" if completed_at else "enrolled"


def learner_statuses(user, course_ids: list[int]) -> dict[int, str]:
    """{course id: learner_status} of `user`'s enrolments among `course_ids`: one query."""
    if not is_learner(user):
        return {}
    rows = Enrollment.objects.filter(user=user, course_id__in=course_ids)
    return {pk: learner_status(done) for pk, done in rows.values_list("course_id", "completed_at")}


def mark_learner_status(
    user, courses: list[CoursePage], statuses: dict[int, datetime | None] | None = None
) -> None:
    """Set `course.learner_status` ('' / 'enrolled' / 'completed') with one query, or none when
    the page has the learner's `enrolment_statuses` already."""
    if statuses is None:
        status = learner_statuses(user, [c.pk for c in courses]) if courses else {}
    else:
        status = {course_id: learner_status(done) for course_id, done in statuses.items()}
    for course in courses:
        course.learner_status = status.get(course.pk, "")


def catalogue_context(index_page: CourseIndexPage, request) -> dict:
    products = fragments.versioned("products", (), lambda: list(Product.objects.all()))
    form = CatalogueFilterForm(request.GET or None, products=products)
    filters = form.filters()

    def results() -> dict:
        page_obj = Paginator(catalogue_courses(index_page, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        courses = list(page_obj.object_list)
        show_in_reader_language(courses)
        status = fragments.slot_values(request, "course-status", [c.pk for c in courses])
        for course in courses:
            course.learner_status = status.get(course.pk, "")
        return {"page_obj": page_obj, "courses": courses}

    # The course grid is the same for every reader but for their marks on the cards (slots), so
    # it is drawn once and kept (the "course-grid" fragment); a hit skips these queries.
    context = {"filter_form": form, "filters": filters}
    context.update(fragments.lazy_context(results, ("page_obj", "courses")))
    show_paths = not filters and request.GET.get("page", "1") in ("", "1")
    statuses = enrolment_statuses(request.user) if show_paths else None
    if statuses is not None:
        # Every course the reader enrolled in: the grid's marks need no query of their own.
        fragments.know_slot_values(
            request,
            "course-status",
            {pk: learner_status(done) for pk, done in statuses.items()},
        )
    paths = learning_paths(request.user, statuses=statuses) if show_paths else []
    stage, recommended = "", None
    if paths and is_learner(request.user):
        # The one recommendation (courses/recommending.py): its path first, marked.
        recommendation = recommend_learning(request.user, paths)
        paths, stage = recommendation.paths, recommendation.stage
        recommended = recommendation.path.path.pk if recommendation.path else None
    context.update(
        {"learning_paths": paths, "recommended_stage": stage, "recommended_path_id": recommended}
    )
    return context


@dataclass
class PathProgress:
    path: LearningPath
    courses: list[CoursePage]
    completed_ids: set[int]

    @property
    def total(self) -> int:
        return len(self.courses)

    @property
    def done(self) -> int:
        return sum(c.pk in self.completed_ids for c in self.courses)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def next_course(self) -> CoursePage | None:
        return next((c for c in self.courses if c.pk not in self.completed_ids), None)


def learning_paths(
    user,
    *,
    stage: str | None = None,
    slug: str | None = None,
    statuses: dict[int, datetime | None] | None = None,
) -> list[PathProgress]:
    """Learning paths with their live courses in order and the learner's progress (3 queries;
    1 when the page has the learner's `enrolment_statuses` already, and the paths themselves
    are kept until content changes)."""
    paths = fragments.versioned(
        "learning-paths", (stage or "", slug or ""), lambda: _paths_with_courses(stage, slug)
    )
    courses = {course.pk: course for _, path_courses in paths for course in path_courses}
    if statuses is not None:
        completed = {pk for pk, done in statuses.items() if done is not None and pk in courses}
    else:
        completed = set(course_completions(user, courses)) if courses else set()
    mark_learner_status(user, list(courses.values()), statuses)
    return [PathProgress(path, path_courses, completed) for path, path_courses in paths]


def _paths_with_courses(stage: str | None, slug: str | None) -> list[tuple[LearningPath, list]]:
    path_courses = (
        LearningPathCourse.objects.filter(course__live=True)
        .select_related("course", "course__product")
        .order_by("sort_order", "pk")
    )
    paths = LearningPath.objects.prefetch_related(Prefetch("path_courses", queryset=path_courses))
    if stage:
        paths = paths.filter(growth_stage=stage)
    if slug:
        paths = paths.filter(slug=slug)
    return [(path, [pc.course for pc in path.path_courses.all()]) for path in paths]


def learning_path_context(user, slug: str) -> dict | None:
    found = learning_paths(user, slug=slug)
    if not found:
        return None
    progress = found[0]
    for course in progress.courses:
        course.is_done = course.pk in progress.completed_ids
    return {"path_progress": progress, "learning_path": progress.path}


# --- Course and lesson pages ---------------------------------------------------------------------


def course_outline(course: CoursePage, request) -> dict:
    """What every reader of `course` sees alike: its lessons, prerequisites, lecturers and
    product, in the reader's language; kept until content changes (academy/fragments.py)."""

    def outline() -> dict:
        lessons = course_lessons(course)
        prerequisites = [
            link.required_course
            for link in course.prerequisite_links.select_related("required_course").all()
            if link.required_course.live and link.required_course_id != course.pk
        ]
        show_in_reader_language([*lessons, *prerequisites])
        lecturers = [
            link.lecturer
            for link in course.lecturer_links.select_related("lecturer__user", "lecturer__photo")
        ]
        return {
            "lessons": lessons,
            "prerequisites": prerequisites,
            "lecturers": lecturers,
            "product": course.product,
        }

    if not course.pk:
        return outline()
    found = fragments.versioned("course-outline", (course.pk,), outline, request=request)
    course.product = found["product"]
    return found


def course_page_context(course: CoursePage, request) -> dict:
    user = request.user
    outline = course_outline(course, request)
    lessons, prerequisites = outline["lessons"], outline["prerequisites"]
    progress = course_progress(user, course, lessons)
    done = set(course_completions(user, [c.pk for c in prerequisites])) if prerequisites else set()
    for prerequisite in prerequisites:
        prerequisite.is_done = prerequisite.pk in done
    url = course.get_url(request) if course.pk else None
    return {
        "course": course,
        "lessons": lessons,
        "progress": progress,
        "enrollment": progress.enrollment,
        "prerequisites": prerequisites,
        "missing_prerequisites": [c for c in prerequisites if not c.is_done],
        "lecturers": outline["lecturers"],
        "enrol_url": url + course.reverse_subpage("enrol") if url else "",
    }


def course_for_lesson(lesson: LessonPage) -> CoursePage | None:
    return (
        CoursePage.objects.select_related("product")
        .filter(path=lesson.path[: -lesson.steplen])
        .first()
    )


def lesson_page_context(lesson: LessonPage, request) -> dict:
    user = request.user
    course = course_for_lesson(lesson)
    lessons = course_lessons(course) if course else []
    enrollment = enrollment_for(user, course) if course else None
    rows = {}
    if enrollment is not None and lessons:
        rows = {
            p.lesson_id: p
            for p in LessonProgress.objects.filter(
                user=user, lesson_id__in=[item.pk for item in lessons]
            )
        }
    completed = {pk for pk, row in rows.items() if row.completed_at}
    for item in lessons:
        item.is_done = item.pk in completed
    progress = CourseProgress(lessons, enrollment, completed)
    ids = [item.pk for item in lessons]
    position = ids.index(lesson.pk) if lesson.pk in ids else None
    is_preview = getattr(request, "is_preview", False)
    can_view = is_preview or enrollment is not None
    context = {
        "course": course,
        "lessons": lessons,
        "progress": progress,
        "enrollment": enrollment,
        "lesson_progress": rows.get(lesson.pk),
        "is_preview": is_preview,
        "can_view": can_view,
        "lesson_number": position + 1 if position is not None else None,
        "previous_lesson": lessons[position - 1] if position else None,
        "next_lesson": lessons[position + 1]
        if position is not None and position + 1 < len(lessons)
        else None,
        "enrol_url": (course.get_url(request) or "") + course.reverse_subpage("enrol")
        if course
        else "",
    }
    if can_view:
        context.update(knowledge_check_context(lesson, rows.get(lesson.pk)))
        # Uploaded video and audio: sources, captions, transcript and resume point (media.py).
        context["players"] = lesson_players(lesson, enrollment)
        context["attachments"] = list(
            lesson.attachments.select_related("document").order_by("sort_order")
        )
    return context


def knowledge_check_context(lesson: LessonPage, row: LessonProgress | None) -> dict:
    """The check block, the learner's graded last attempt (if any) and a form to answer it."""
    check = lesson.knowledge_check
    if check is None:
        return {"check": None}
    result = None
    if row is not None and row.check_attempts:
        result = grade(check.value, from_stored(row.check_answers))
    form = None
    if result is None or not result.passed:
        initial = (
            KnowledgeCheckForm.initial_for(check.value, from_stored(row.check_answers))
            if row
            else {}
        )
        form = KnowledgeCheckForm(check.value, initial=initial, last_result=result)
    total = len(check.value["questions"])
    return {
        "check": check,
        "check_result": result,
        "check_form": form,
        # The rule the learner is told is the rule `grade` applies (its pass mark), never a
        # wording of its own.
        "check_total": total,
        "check_needed": correct_needed(total, check.value["pass_percentage"]),
    }


# --- Case studies --------------------------------------------------------------------------------


def industry_tree() -> tuple[list[tuple[Industry, int]], dict[int, set[int]]]:
    """All industries depth-first with their depth, and each one's id plus its descendants' ids."""
    industries = list(Industry.objects.all())
    children: dict[int | None, list[Industry]] = defaultdict(list)
    for industry in industries:
        children[industry.parent_id].append(industry)
    ordered: list[tuple[Industry, int]] = []
    family: dict[int, set[int]] = {}
    seen: set[int] = set()

    def walk(industry: Industry, depth: int) -> set[int]:
        seen.add(industry.pk)
        ordered.append((industry, depth))
        ids = {industry.pk}
        for child in children[industry.pk]:
            if child.pk not in seen:  # a loop in hand-edited data must not hang the page
                ids |= walk(child, depth + 1)
        family[industry.pk] = ids
        return ids

    for root in children[None]:
        walk(root, 0)
    return ordered, family


def case_listing_context(index_page: CaseStudyIndexPage, request) -> dict:
    industries, family = industry_tree()
    by_slug = {industry.slug: industry for industry, _depth in industries}
    by_id = {industry.pk: industry for industry, _depth in industries}
    products = list(Product.objects.all())
    live_cases = CaseStudyPage.objects.live().public().child_of(index_page)
    cities = list(live_cases.order_by("city").values_list("city", flat=True).distinct())
    form = CaseFilterForm(
        request.GET or None, industries=industries, products=products, cities=cities
    )
    filters = form.filters()
    cases = live_cases
    if "industry" in filters:
        cases = cases.filter(industry_id__in=family[by_slug[filters["industry"]].pk])
    if "product" in filters:
        cases = cases.filter(products__slug=filters["product"])
    if "city" in filters:
        cases = cases.filter(city=filters["city"])
    # Newest first: a case added later sits later in the tree, and ordering by the tree path
    # walks its index (several times faster than sorting by date on a large listing).
    cases = (
        with_cover(cases, CARD_IMAGE)
        .defer("challenge", "solution", "results")
        .prefetch_related("products")
        .order_by("-path")
    )
    page_obj = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    case_list = list(page_obj.object_list)
    show_in_reader_language(case_list)
    for case in case_list:
        case.industry_display = by_id.get(case.industry_id)
    return {
        "filter_form": form,
        "filters": filters,
        "page_obj": page_obj,
        "cases": case_list,
    }


def case_page_context(case: CaseStudyPage, request) -> dict:
    industry = (
        Industry.objects.select_related("parent").filter(pk=case.industry_id).first()
        if case.industry_id
        else None
    )
    images = get_image_model().objects.prefetch_renditions(GALLERY_IMAGE, GALLERY_FULL)
    gallery = list(case.gallery_images.prefetch_related(Prefetch("image", queryset=images)).all())
    candidates = (
        with_cover(originals(CaseStudyPage.objects.live()).public(), CARD_IMAGE)
        .exclude(pk=case.pk)
        .select_related("industry")
        .prefetch_related("products")
        .defer("challenge", "solution", "results")
    )
    picked = [link.related_id for link in case.related_links.all()]
    if picked:
        found = {c.pk: c for c in candidates.filter(pk__in=picked)}
        related = [found[pk] for pk in picked if pk in found][:RELATED_CASES]
    elif industry is not None:
        # No hand-picked cases: show the newest from the same top-level industry.
        root = industry.parent or industry
        related = list(
            candidates.filter(Q(industry=root) | Q(industry__parent=root)).order_by("-path")[
                :RELATED_CASES
            ]
        )
    else:
        related = []
    for item in related:
        item.industry_display = item.industry
    products = list(case.products.all())
    courses = list(
        originals(CoursePage.objects.live())
        .public()
        .filter(product__in=[p.pk for p in products])
        .select_related("product")
        .order_by("path")[:3]
    )
    show_in_reader_language([*related, *courses])
    return {
        "industry": industry,
        "products": products,
        "courses": courses,
        "gallery": gallery,
        "related_cases": related,
    }


# --- My academy ----------------------------------------------------------------------------------


def provider_stage(user) -> str:
    """The growth stage of the learner's provider (learner → membership → provider)."""
    membership = Membership.objects.select_related("provider").filter(user_id=user.pk).first()
    return membership.provider.growth_stage if membership else GrowthStage.CREATE


def my_learning_context(user) -> dict:
    """Enrolments with progress, and what to learn next for the provider's growth stage."""
    enrollments = list(
        Enrollment.objects.filter(user=user, course__live=True)
        .select_related("course", "course__product", "last_lesson")
        .order_by(F("completed_at").desc(nulls_first=True), "-enrolled_at")
    )
    lessons_by_course: dict[str, list[LessonPage]] = defaultdict(list)
    completed: set[int] = set()
    if enrollments:
        same_course = Q()
        for enrollment in enrollments:
            course = enrollment.course
            same_course |= Q(path__startswith=course.path, depth=course.depth + 1)
        lessons = list(LessonPage.objects.live().filter(same_course).defer("body").order_by("path"))
        for lesson in lessons:
            lessons_by_course[lesson.path[: -lesson.steplen]].append(lesson)
        completed = set(
            LessonProgress.objects.filter(
                user=user,
                lesson_id__in=[lesson.pk for lesson in lessons],
                completed_at__isnull=False,
            ).values_list("lesson_id", flat=True)
        )
    for enrollment in enrollments:
        course_lessons_ = lessons_by_course[enrollment.course.path]
        enrollment.progress = CourseProgress(
            course_lessons_, enrollment, {lesson.pk for lesson in course_lessons_} & completed
        )

    enrolled = {e.course_id for e in enrollments}
    # The one recommendation (courses/recommending.py), the same the diagnosis result gives.
    recommendation = recommend_learning(user)
    stage = recommendation.stage
    recommended_path = recommendation.path
    next_course = recommendation.next_course
    return {
        "in_progress": [e for e in enrollments if not e.completed_at],
        "completed": [e for e in enrollments if e.completed_at],
        "stage": GrowthStage(stage),
        "paths": [p for p in recommendation.paths if p.path.growth_stage == stage],
        "recommended_path": recommended_path,
        "recommendation_reason": recommendation.reason,
        "next_course": next_course,
        "next_course_enrolled": next_course is not None and next_course.pk in enrolled,
    }
