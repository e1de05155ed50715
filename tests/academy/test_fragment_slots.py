"""The reader's own marks in shared listings (academy/fragments.py, slots).

The course grid and the event list are drawn once and shared by every reader; each reader's
"Enrolled" / "Completed" / "You're in" badge is put in per request. A stored grid never holds a
badge, a reader never sees another's, and a new enrolment or registration shows at once even
though those writes do not refresh shared fragments.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from academy import fragments
from courses.models import Enrollment
from events.services import register
from tests.academy.test_shared_fragments import html, stored_fragments
from tests.courses.content import make_catalogue, make_course
from tests.events.factories import make_event, make_index
from tests.factories import UserFactory

ENROLLED = '<li class="badge badge--warning">已加入</li>'
COMPLETED = "✓ 已完成"
YOURE_IN = "✓ 已报名"


@pytest.fixture(autouse=True)
def signed_in_paths(settings):
    settings.PAGE_CACHE_SECONDS = 0  # the grid fragments, not whole stored pages
    settings.FRAGMENT_CACHE_SECONDS = 600


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grid_fragments(marker: str) -> list[str]:
    """The stored fragments that hold a list: "catalogue-results" or "ev-list"."""
    return [str(value) for value in stored_fragments(cache) if marker in str(value)]


def test_the_course_grid_is_shared_and_each_reader_sees_only_their_own_marks(home_page):
    catalogue = make_catalogue(home_page)
    started, finished = make_course(catalogue, "进行中的课"), make_course(catalogue, "学完的课")
    learner, stranger = UserFactory(), UserFactory()
    Enrollment.objects.create(user=learner, course=started)
    Enrollment.objects.create(user=learner, course=finished, completed_at=timezone.now())

    mine = html(signed_in(learner), "/courses/")
    assert ENROLLED in mine and COMPLETED in mine
    theirs = html(signed_in(stranger), "/courses/")  # served from the stored grid
    assert ENROLLED not in theirs and COMPLETED not in theirs
    assert "进行中的课" in theirs

    stored = grid_fragments("catalogue-results")
    assert stored, "the course grid was kept"
    for fragment in stored:
        assert ENROLLED not in fragment and COMPLETED not in fragment
        assert fragments.slot_marker("course-status", started.pk) in fragment
    # …and back: what the stranger was served first is not the learner's page.
    assert ENROLLED in html(signed_in(learner), "/courses/")


def test_a_new_enrolment_shows_on_the_stored_course_grid_at_once(home_page):
    course = make_course(make_catalogue(home_page), "刚加入的课")
    learner = UserFactory()
    client = signed_in(learner)
    assert ENROLLED not in html(client, "/courses/")
    Enrollment.objects.create(user=learner, course=course)  # a volatile write: no version bump
    assert ENROLLED in html(client, "/courses/")


def test_the_event_list_is_shared_and_each_reader_sees_only_their_own_registration(home_page):
    event = make_event(make_index(home_page), title="杭州工作坊")
    attendee, other = UserFactory(), UserFactory()
    attendee_client, other_client = signed_in(attendee), signed_in(other)
    assert YOURE_IN not in html(attendee_client, "/events/")
    register(attendee, event)  # after the list was stored: the badge still shows at once
    assert YOURE_IN in html(attendee_client, "/events/")
    assert YOURE_IN not in html(other_client, "/events/")
    stored = grid_fragments("ev-list")
    assert stored, "the event list was kept"
    for fragment in stored:
        assert YOURE_IN not in fragment
        assert fragments.slot_marker("event-registration", event.pk) in fragment


def test_without_the_fragment_cache_the_marks_come_from_the_page(home_page, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    course = make_course(make_catalogue(home_page))
    learner = UserFactory()
    Enrollment.objects.create(user=learner, course=course)
    page = html(signed_in(learner), "/courses/")
    assert ENROLLED in page and "<!--slot:" not in page


def test_a_slot_needs_a_registered_kind():
    with pytest.raises(KeyError):
        fragments.slot_marker("no-such-slot", 1)
