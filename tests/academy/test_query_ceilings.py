"""What a signed-in member's pages cost on the demo academy, once the shared fragments are warm.

Signed-in readers get no stored page (academy/page_cache.py), so these are the queries of every
page a member opens; the shell, the case listing and a case's story come from the fragment cache
(academy/fragments.py). bench/page_profile.py prints the same pages with their CPU time.
tests/courses/test_query_counts.py pins the same pages rendered in full (nothing cached) and
checks their queries do not grow with the number of courses, lessons and cases.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from academy.models import User
from courses.models import CaseStudyPage, CoursePage
from events.models import EventPage
from showcase.selectors import public_profiles

# Session, user, site, locale and the routing (the pages on the path in one query and the page's
# own row, academy.localisation.route_down; its aliases, view restrictions) take 7 to 8 of each
# Wagtail page's queries; views outside the page tree need 2 (session, user) plus their own.
CEILINGS = {
    "/": 7,
    "/courses/": 18,  # + products, count, page, the learner's enrolments, paths, recommendation
    "course": 15,
    "/cases/": 9,  # + the view restrictions of the listing's cases; the rest is a fragment
    "case": 15,  # + the learners' questions under the case, which are not shared
    "/events/": 15,  # + count, page, lecturers, the member's registrations, permissions
    "event": 17,
    "/lecturers/": 3,  # session, user, the filter's programmes; the list is a fragment
    "/providers/": 2,  # session, user; the directory is a fragment
    "a provider": 2,  # session, user; the profile and its name are fragments
}


@pytest.fixture
def demo(db, settings):
    settings.PAGE_CACHE_SECONDS = 0  # a member is never served a stored page anyway
    settings.FRAGMENT_CACHE_SECONDS = 600
    call_command("seed_demo", stdout=StringIO())


def url_of(name: str) -> str:
    if name == "a provider":
        return f"/providers/{public_profiles().values_list('slug', flat=True).first()}/"
    model = {"course": CoursePage, "case": CaseStudyPage, "event": EventPage}.get(name)
    return name if model is None else model.objects.live().order_by("path").first().url


def test_a_members_pages_stay_under_their_query_ceilings(demo, django_assert_max_num_queries):
    client = Client()
    client.force_login(User.objects.get(email="member@example.com"))
    for name, ceiling in CEILINGS.items():
        url = url_of(name)
        assert client.get(url).status_code == 200, url  # fills the fragments
        with django_assert_max_num_queries(ceiling, info=url):
            response = client.get(url)
        assert response.status_code == 200, url
