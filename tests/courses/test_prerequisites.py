"""A course's prerequisites: enforced on enrolment, with a message naming the course to finish."""

import pytest

from courses import services
from courses.models import Enrollment

from .content import en, make_course, make_lesson


@pytest.fixture
def basics(catalogue):
    course = make_course(catalogue, "小程序电商入门")
    make_lesson(course)
    return course


@pytest.fixture
def advanced(catalogue, basics):
    course = make_course(catalogue, "企业微信客户运营", prerequisites=[basics])
    make_lesson(course)
    return course


def test_enrolling_before_finishing_the_prerequisite_names_it(member_client, member, advanced):
    response = member_client.post(en(advanced) + "enrol/")

    assert response.status_code == 409
    page = response.content.decode()
    assert "Finish “小程序电商入门” first: this course builds on it." in page
    assert not Enrollment.objects.filter(course=advanced).exists()
    with pytest.raises(services.PrerequisiteMissing) as error:
        services.enrol(member, advanced)
    assert [c.title for c in error.value.missing] == ["小程序电商入门"]


def test_the_course_page_says_what_to_finish_first(member_client, basics, advanced):
    page = member_client.get(en(advanced)).content.decode()
    assert "Complete these courses before you enrol:" in page
    assert f'<a href="{en(basics)}">小程序电商入门</a>' in page
    assert "Enrol for free" not in page


def test_finishing_the_prerequisite_opens_the_course(member_client, member, basics, advanced):
    services.enrol(member, basics)
    services.mark_lesson_complete(member, basics.get_children().first().specific)

    response = member_client.post(en(advanced) + "enrol/")
    assert response.status_code == 302
    assert Enrollment.objects.filter(user=member, course=advanced).exists()


def test_an_unpublished_prerequisite_bars_nobody(member, catalogue, basics):
    draft = make_course(catalogue, "草稿课程", live=False)
    course = make_course(catalogue, prerequisites=[draft])
    enrollment, created = services.enrol(member, course)
    assert created


def test_message_is_in_the_readers_script(member_client, advanced):
    response = member_client.post("/zh-hant" + en(advanced).removeprefix("/en") + "enrol/")
    assert response.status_code == 409
    assert "小程序電商入門" in response.content.decode()
