"""Completing lessons and courses; the one completion service and the signal certification hears."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from academy.models import OutboxTask
from courses import services
from courses.models import Enrollment, LessonProgress
from courses.signals import course_completed

from .content import RIGHT_ANSWERS, check_block, en, make_course, make_lesson

PASS = {0: frozenset({1}), 1: frozenset({0, 2})}


@pytest.fixture
def received():
    calls = []

    def listener(sender, **kwargs):
        calls.append(kwargs)

    course_completed.connect(listener)
    yield calls
    course_completed.disconnect(listener)


def test_mark_as_complete_records_progress_and_moves_to_the_next_lesson(
    member_client, member, course, lessons
):
    services.enrol(member, course)
    response = member_client.post(en(lessons[0]) + "complete/")

    assert response.status_code == 302 and response["Location"] == en(lessons[1])
    progress = LessonProgress.objects.get(user=member, lesson=lessons[0])
    assert progress.completed_at is not None
    page = member_client.get(en(course)).content.decode()
    assert "1/2 lessons" in page  # the optional lesson does not count
    assert 'max="100" value="50"' in page


def test_a_lesson_with_a_check_completes_only_by_passing_it(member_client, member, course, lessons):
    services.enrol(member, course)
    response = member_client.post(en(lessons[2]) + "complete/")
    assert response.status_code == 409
    assert "Pass the knowledge check below" in response.content.decode()
    with pytest.raises(services.CheckRequired):
        services.mark_lesson_complete(member, lessons[2])
    assert not LessonProgress.objects.filter(lesson=lessons[2], completed_at__isnull=False).exists()


def test_course_completes_with_a_timestamp_when_every_required_lesson_is_done(
    member, course, lessons, received, django_capture_on_commit_callbacks
):
    services.enrol(member, course)
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_lesson_complete(member, lessons[0])
    assert services.course_completion(member, course) is None
    assert received == []

    finished = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    with (
        time_machine.travel(finished, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = services.submit_knowledge_check(member, lessons[2], PASS)

    # The optional lesson (lessons[1]) was never opened: it does not hold the course back.
    assert outcome.course_completed_now
    assert services.course_completion(member, course) == finished
    assert services.course_completion(member, course.pk) == finished
    assert services.course_completions(member) == {course.pk: finished}
    assert received == [
        {"signal": course_completed, "user": member, "course": course, "completed_at": finished}
    ]


def test_completion_is_recorded_once_and_signalled_once(
    member, course, lessons, received, django_capture_on_commit_callbacks
):
    services.enrol(member, course)
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_lesson_complete(member, lessons[0])
        services.submit_knowledge_check(member, lessons[2], PASS)
        first = services.course_completion(member, course)
        services.mark_lesson_complete(member, lessons[1])
        services.mark_lesson_complete(member, lessons[0])
        services.submit_knowledge_check(member, lessons[2], PASS)
    assert services.course_completion(member, course) == first
    assert len(received) == 1


def test_the_signal_and_the_work_it_records_commit_with_the_completion(
    member, course, lessons, received
):
    services.enrol(member, course)
    services.mark_lesson_complete(member, lessons[0])
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit_knowledge_check(member, lessons[2], PASS)
        assert len(received) == 1
        assert OutboxTask.objects.filter(task="certification.tasks.check_programmes").exists()
        raise RuntimeError("the request fails after the completion")
    # Rolled back together: no completion, and no programme re-check left behind.
    assert services.course_completion(member, course) is None
    assert not OutboxTask.objects.exists()
    services.submit_knowledge_check(member, lessons[2], PASS)
    assert services.course_completion(member, course) is not None
    assert len(received) == 2
    assert (
        OutboxTask.objects.filter(
            task="certification.tasks.check_programmes", args=[member.pk]
        ).count()
        == 1
    )


def test_course_completion_is_none_for_visitors_and_the_unenrolled(member, course):
    from django.contrib.auth.models import AnonymousUser

    assert services.course_completion(AnonymousUser(), course) is None
    assert services.course_completion(member, course) is None
    services.enrol(member, course)
    assert services.course_completion(member, course) is None


def test_a_course_of_optional_lessons_only_needs_all_of_them(catalogue, member):
    course = make_course(catalogue)
    first = make_lesson(course, optional=True)
    second = make_lesson(course, optional=True)
    services.enrol(member, course)
    assert not services.mark_lesson_complete(member, first).course_completed_now
    assert services.mark_lesson_complete(member, second).course_completed_now


def test_completed_course_page_shows_the_date_and_the_last_step_redirects_there(
    member_client, member, course, lessons
):
    services.enrol(member, course)
    member_client.post(en(lessons[0]) + "complete/")
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC)):
        response = member_client.post(en(lessons[2]) + "check/", RIGHT_ANSWERS)
    assert response.status_code == 302 and response["Location"] == en(course)
    page = member_client.get(en(course)).content.decode()
    assert "Congratulations! You have completed “小程序电商入门”." in page
    assert "Course completed" in page and "May 20, 2026" in page
    assert 'max="100" value="100"' in page


def test_resume_goes_to_the_next_unfinished_lesson(member_client, member, course, lessons):
    services.enrol(member, course)
    page = member_client.get(en(course)).content.decode()
    assert "Start: 认识小程序" in page
    member_client.post(en(lessons[0]) + "complete/")
    page = member_client.get(en(course)).content.decode()
    assert "Continue: 延伸阅读" in page


def test_previous_and_next_follow_the_syllabus(member_client, member, course, lessons):
    services.enrol(member, course)
    page = member_client.get(en(lessons[1])).content.decode()
    assert f'href="{en(lessons[0])}" rel="prev"' in page
    assert f'href="{en(lessons[2])}" rel="next"' in page
    first = member_client.get(en(lessons[0])).content.decode()
    assert 'rel="prev"' not in first
    assert "Lesson 1 of 3" in first


def test_my_academy_shows_progress_and_completion(member_client, member, course, lessons):
    services.enrol(member, course)
    services.mark_lesson_complete(member, lessons[0])
    page = member_client.get("/en/my-academy/").content.decode()
    assert "小程序电商入门" in page and "1/2 lessons" in page
    assert "Continue: 延伸阅读" in page

    services.submit_knowledge_check(member, lessons[2], PASS)
    page = member_client.get("/en/my-academy/").content.decode()
    with translation.override("en"):
        completed_on = date_format(timezone.localtime(Enrollment.objects.get().completed_at))
    assert f"Completed on {completed_on}" in page


def test_completing_needs_a_live_lesson_in_an_enrolled_course(member, catalogue):
    course = make_course(catalogue)
    lesson = make_lesson(course, body=[check_block()])
    with pytest.raises(services.NotEnrolled):
        services.submit_knowledge_check(member, lesson, PASS)
    with pytest.raises(services.CourseNotOpen):
        services.enrol(member, make_course(catalogue, live=False))
