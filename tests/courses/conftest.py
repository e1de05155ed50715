import pytest

from tests.factories import MembershipFactory

from .content import (
    check_block,
    make_case_index,
    make_catalogue,
    make_course,
    make_lesson,
    text_block,
)


@pytest.fixture(autouse=True)
def default_language():
    """Requests leave their language active in the thread; each test starts in the default."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def catalogue(home_page):
    return make_catalogue(home_page)


@pytest.fixture
def course(catalogue):
    """A course of three lessons: a plain one, an optional one, and one with a knowledge check."""
    course = make_course(catalogue, "小程序电商入门")
    make_lesson(course, "认识小程序")
    make_lesson(course, "延伸阅读", optional=True)
    make_lesson(course, "提交审核", body=[text_block("审核规则。"), check_block()])
    return course


@pytest.fixture
def lessons(course):
    return list(course.get_children().specific())


@pytest.fixture
def case_index(home_page):
    return make_case_index(home_page)


@pytest.fixture
def other_member(db):
    return MembershipFactory().user
