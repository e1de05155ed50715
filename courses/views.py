"""What the course and lesson pages' routes do: parse input, call a service, answer.

A rule that says no (services.LearningError) becomes a message on the page it concerns, rendered
with the error's 4xx status; bad input is a 400 with the form's errors. Nothing here decides.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import selectors, services
from .forms import KnowledgeCheckForm
from .models import CourseIndexPage, CoursePage, LessonPage


def _titles(pages) -> str:
    return "、".join(f"“{page.title}”" for page in pages)


def _render(page, request, status: int = 200, **context):
    response = page.render(request, context_overrides=context)
    response.status_code = status
    return response


def login_required_for_page(view):
    """Django's login_required for a page's POST route (enrol, complete, check): the sign-in
    returns to the page itself, since the route's own address answers a GET with 405."""

    @wraps(view)
    def wrapper(request, page, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(page.get_url(request) or request.path)
        return view(request, page, *args, **kwargs)

    return wrapper


@require_safe
def lesson(request, lesson: LessonPage):
    response = lesson.render(request)
    enrollment = response.context_data.get("enrollment")
    if enrollment is not None and not response.context_data.get("is_preview"):
        services.record_visit(enrollment, lesson)
    return response


@require_POST
@login_required_for_page
def enrol(request, course: CoursePage):
    try:
        enrollment, created = services.enrol(request.user, course)
    except services.PrerequisiteMissing as error:
        messages.error(
            request,
            _("Finish %(courses)s first: this course builds on it.")
            % {"courses": _titles(error.missing)},
        )
        return _render(course, request, status=error.status)
    except services.LearningError as error:
        messages.error(request, _("This course is not open for enrolment."))
        return _render(course, request, status=error.status)
    title = course.title
    if created:
        messages.success(
            request, _("You are enrolled in “%(course)s”. Enjoy the course!") % {"course": title}
        )
    else:
        messages.info(request, _("You are already enrolled in “%(course)s”.") % {"course": title})
    first = selectors.course_lessons(course)[:1]
    target = first[0] if created and first else course
    return HttpResponseRedirect(target.get_url(request))


@require_POST
@login_required_for_page
def complete_lesson(request, lesson: LessonPage):
    try:
        outcome = services.mark_lesson_complete(request.user, lesson)
    except services.NotEnrolled as error:
        messages.error(request, _("Enrol in the course to complete its lessons."))
        return _render(lesson, request, status=error.status)
    except services.CheckRequired as error:
        messages.error(request, _("Pass the knowledge check below to complete this lesson."))
        return _render(lesson, request, status=error.status)
    return _after_completion(request, lesson, outcome)


@require_POST
@login_required_for_page
def submit_check(request, lesson: LessonPage):
    check = lesson.knowledge_check
    if check is None:
        messages.error(request, _("This lesson has no knowledge check."))
        return _render(lesson, request, status=400)
    form = KnowledgeCheckForm(check.value, request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer every question, then check your answers."))
        return _render(lesson, request, status=400, check_form=form, check_result=None)
    try:
        outcome = services.submit_knowledge_check(request.user, lesson, form.answers())
    except services.NotEnrolled as error:
        messages.error(request, _("Enrol in the course to answer its knowledge checks."))
        return _render(lesson, request, status=error.status)
    except services.InvalidAnswers as error:
        messages.error(request, _("Answer every question, then check your answers."))
        return _render(lesson, request, status=error.status, check_form=form, check_result=None)
    result = outcome.check
    if not result.passed:
        messages.warning(
            request,
            _(
                "You answered %(correct)d of %(total)d questions correctly; %(pass)d%% is needed. "
                "Review the lesson and try again."
            )
            % {
                "correct": result.correct_count,
                "total": result.total,
                "pass": result.pass_percentage,
            },
        )
        return HttpResponseRedirect(lesson.get_url(request) + "#knowledge-check")
    return _after_completion(request, lesson, outcome, anchor="#knowledge-check")


def _after_completion(request, lesson: LessonPage, outcome, anchor: str = ""):
    course = outcome.enrollment.course
    if outcome.course_completed_now:
        messages.success(
            request,
            _("Congratulations! You have completed “%(course)s”.") % {"course": course.title},
        )
        return HttpResponseRedirect(course.get_url(request))
    messages.success(request, _("Lesson completed."))
    if anchor:
        return HttpResponseRedirect(lesson.get_url(request) + anchor)
    following = selectors.course_lessons(course)
    ids = [item.pk for item in following]
    position = ids.index(lesson.pk) if lesson.pk in ids else None
    if position is not None and position + 1 < len(following):
        return HttpResponseRedirect(following[position + 1].get_url(request))
    return HttpResponseRedirect(course.get_url(request))


@require_safe
def learning_path(request, index_page: CourseIndexPage, slug: str):
    context = selectors.learning_path_context(request.user, slug)
    if context is None:
        raise Http404
    return index_page.render(
        request, template="courses/learning_path.html", context_overrides=context
    )
