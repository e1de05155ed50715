"""Enrolment (one click, POST, free) and who may see what."""

import pytest
from django.test import Client

from courses import services
from courses.models import Enrollment, LessonProgress
from tests.factories import MembershipFactory

from .content import en, make_course, make_lesson


def enrol_url(course):
    return en(course) + "enrol/"


def test_member_enrols_with_one_click_and_lands_on_the_first_lesson(
    member_client, member, course, lessons
):
    response = member_client.post(enrol_url(course))

    assert response.status_code == 302
    assert response["Location"] == en(lessons[0])
    enrollment = Enrollment.objects.get(user=member, course=course)
    assert enrollment.enrolled_at is not None and enrollment.completed_at is None
    page = member_client.get(response["Location"]).content.decode()
    assert "You are enrolled in “小程序电商入门”" in page


def test_enrolling_twice_keeps_one_enrolment(member_client, member, course, lessons):
    member_client.post(enrol_url(course))
    response = member_client.post(enrol_url(course))

    assert response.status_code == 302 and response["Location"] == en(course)
    assert Enrollment.objects.filter(user=member, course=course).count() == 1
    enrollment, created = services.enrol(member, course)
    assert not created and enrollment.course_id == course.pk


def test_visitors_are_sent_to_log_in_before_enrolling(client, course):
    response = client.post(enrol_url(course))
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert not Enrollment.objects.exists()


def test_enrolling_needs_a_post_with_a_csrf_token(member, course):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.get(enrol_url(course)).status_code == 405
    assert strict.post(enrol_url(course)).status_code == 403
    assert not Enrollment.objects.exists()


def test_course_overview_and_syllabus_are_public(client, course, lessons):
    page = client.get(en(course)).content.decode()
    assert "小程序电商入门" in page
    for lesson in lessons:
        assert lesson.title in page
    assert "Log in to enrol" in page


def test_lesson_body_is_only_for_enrolled_learners(client, member_client, member, course, lessons):
    lesson = lessons[0]
    marker = lesson.body[0].value.source.split()[0].removeprefix("<p>")

    anonymous = client.get(en(lesson))
    assert anonymous.status_code == 200
    assert marker not in anonymous.content.decode()
    assert "Enrol to open this lesson" in anonymous.content.decode()

    not_enrolled = member_client.get(en(lesson)).content.decode()
    assert marker not in not_enrolled
    assert 'action="' + en(course) + 'enrol/"' in not_enrolled

    services.enrol(member, course)
    enrolled = member_client.get(en(lesson)).content.decode()
    assert marker in enrolled
    assert "Mark as complete" in enrolled


def test_opening_a_lesson_remembers_it_for_resuming(member_client, member, course, lessons):
    services.enrol(member, course)
    member_client.get(en(lessons[1]))
    assert Enrollment.objects.get(user=member).last_lesson_id == lessons[1].pk
    page = member_client.get(en(course)).content.decode()
    assert "Continue: 延伸阅读" in page


def test_a_learner_never_sees_another_learners_progress(member, other_member, course, lessons):
    services.enrol(member, course)
    services.mark_lesson_complete(member, lessons[0])

    other = Client()
    other.force_login(other_member)
    page = other.get(en(course)).content.decode()
    assert "Enrol for free" in page
    assert "Your progress" not in page and "is-done" not in page
    services.enrol(other_member, course)
    page = other.get(en(lessons[1])).content.decode()
    assert 'max="100" value="0"' in page
    assert "✓" not in page


def test_completing_a_lesson_needs_an_enrolment(member_client, member, course, lessons):
    response = member_client.post(en(lessons[0]) + "complete/")
    assert response.status_code == 403
    assert "Enrol in the course to complete its lessons." in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_routes_answer_wrong_methods_with_405(member_client, course, lessons):
    assert member_client.get(lessons[0].url + "complete/").status_code == 405
    assert member_client.get(lessons[2].url + "check/").status_code == 405
    assert member_client.post(lessons[0].url).status_code == 405


def test_unpublished_lessons_are_not_in_the_syllabus(client, catalogue):
    course = make_course(catalogue)
    make_lesson(course, "已发布的课")
    make_lesson(course, "草稿课", live=False)
    page = client.get(en(course)).content.decode()
    assert "已发布的课" in page and "草稿课" not in page


@pytest.mark.parametrize("reserved", ["enrol"])
def test_lessons_cannot_take_a_route_name_as_slug(course, reserved):
    from django.core.exceptions import ValidationError

    lesson = course.get_children().first().specific
    lesson.slug = reserved
    with pytest.raises(ValidationError):
        lesson.full_clean()


def test_a_second_provider_member_can_enrol_too(course):
    user = MembershipFactory().user
    enrollment, created = services.enrol(user, course)
    assert created and enrollment.user == user


def test_a_lesson_title_names_its_course_only_in_the_same_language(client, course, lessons):
    from wagtail.models import Locale

    from academy.demo import translate_page

    # <title> holds one language (its lang): an English lesson title drops the Chinese course's.
    html = client.get(en(lessons[0])).content.decode()
    assert '<title lang="zh-Hans">认识小程序 · 小程序电商入门 · ' in html
    translate_page(
        lessons[0], Locale.objects.get(language_code="en"), {"title": "Meet mini programs"}
    )
    html = client.get(en(lessons[0])).content.decode()
    assert "<title>Meet mini programs · Provider Academy</title>" in html
