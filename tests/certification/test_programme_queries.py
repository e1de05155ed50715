"""What evaluating programmes costs: a fixed number of queries per programme, each fact looked up
once per person, and a programme evaluated once when its certificate is issued."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.models import Attempt, Certificate
from certification.services import issuing
from certification.services.exams import is_past_deadline
from certification.services.programmes import programme_progress, programmes_with_requirements
from tests.certification.factories_programmes import (  # noqa: F401
    Kind,
    lecturer,
    make_course_page,
    make_exam,
    make_programme,
    pass_exam,
    signing_key_dir,
    signing_keys,
    simple_programme,
    teach,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The requirements (with their course and exam), the course completion, the exam pass, the
# events attended, the lecturer record (once), two counts of sessions taught, the ratings, the
# approval application.
PROGRAMME_QUERIES = 9


def _every_kind(home_page):
    return make_programme(
        requirements=[
            (1, Kind.COURSE_COMPLETED, {"course": make_course_page(home_page)}),
            (2, Kind.EXAM_PASSED, {"exam": make_exam()}),
            (3, Kind.EVENTS_ATTENDED, {"count": 2}),
            (4, Kind.SESSIONS_TAUGHT, {"count": 2}),
            (4, Kind.SESSIONS_TAUGHT, {"count": 1, "event_kind": "lecturer_session"}),
            (5, Kind.RATING, {"min_rating": Decimal("4.0"), "count": 2}),
            (6, Kind.OFFICER_APPROVAL, {}),
        ]
    )


def test_evaluating_a_programme_looks_each_fact_up_once(home_page, django_assert_max_num_queries):
    programme = _every_kind(home_page)
    profile = lecturer()
    teach(profile, home_page, ratings=[5, 4])
    with django_assert_max_num_queries(PROGRAMME_QUERIES):
        progress = programme_progress(profile.user, programme)
    assert len(progress.groups) == 6 and not progress.complete


def test_one_persons_lookups_carry_over_to_their_next_programme(
    home_page, django_assert_max_num_queries
):
    first, second = _every_kind(home_page), _every_kind(home_page)
    profile = lecturer()
    teach(profile, home_page, ratings=[5, 4])
    cache: dict = {}
    programme_progress(profile.user, first, cache=cache)
    # The lecturer record and the ratings are known now: one query fewer each.
    with django_assert_max_num_queries(PROGRAMME_QUERIES - 2):
        programme_progress(profile.user, second, cache=cache)
    # An application belongs to its programme: the first one's is not taken for the second's.
    assert ("application", first.pk) in cache and ("application", second.pk) in cache


def test_programmes_to_check_come_with_their_requirements(django_assert_max_num_queries):
    for _ in range(3):
        simple_programme()
    user = UserFactory()
    with django_assert_max_num_queries(2 + 3):  # programmes, requirements, one exam pass each
        results = [programme_progress(user, p) for p in programmes_with_requirements()]
    assert len(results) == 3


@pytest.mark.usefixtures("signing_keys")
def test_issuing_on_a_recheck_evaluates_the_programme_once():
    exam = make_exam()
    programme = simple_programme(exam)
    user = UserFactory(display_name="陈思远")
    pass_exam(user, exam)
    with CaptureQueriesContext(connection) as queries:
        [certificate] = issuing.check_programmes(user)
    assert certificate.programme == programme and certificate.status == Certificate.Status.VALID
    exam_pass_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "certification_attempt"' in q["sql"]
    ]
    assert len(exam_pass_reads) == 1, exam_pass_reads


def test_the_deadline_grace_is_read_when_asked(settings):
    deadline = timezone.now()
    attempt = Attempt(deadline=deadline)
    thirty_seconds_late = deadline + timedelta(seconds=30)
    settings.EXAM_DEADLINE_GRACE_SECONDS = 5
    assert is_past_deadline(attempt, thirty_seconds_late)
    settings.EXAM_DEADLINE_GRACE_SECONDS = 60
    assert not is_past_deadline(attempt, thirty_seconds_late)
    assert is_past_deadline(attempt, thirty_seconds_late, grace=timedelta(0))
