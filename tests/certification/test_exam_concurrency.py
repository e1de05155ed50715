"""Concurrent submits and starts on PostgreSQL: threads with their own connections race.

Runs in `make test-services` (DATABASE_URL on PostgreSQL); skipped on SQLite, whose test database
lives in memory and cannot be shared between connections.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from academy.models import OutboxTask
from certification.models import Attempt, Response
from certification.services import exams as services
from tests.certification.factories_exams import correct_answers, make_exam
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL (make test-services)")


def run_at_once(fn, count):
    start = threading.Barrier(count)

    def run(_):
        start.wait()
        try:
            return fn()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_concurrent_submits_grade_once_and_signal_once(postgres):
    exam = make_exam(questions=30)
    user = UserFactory()
    attempt, _ = services.start(user, exam)
    services.save_answers(attempt.pk, user, correct_answers(attempt))
    results = run_at_once(lambda: services.submit(attempt.pk, user), 8)
    assert {(r.state, r.score, r.graded_at) for r in results} == {
        (Attempt.State.GRADED, results[0].score, results[0].graded_at)
    }
    # One pass, one programme re-check (what grading a pass calls, in its transaction).
    assert list(
        OutboxTask.objects.filter(task="certification.tasks.check_programmes").values_list(
            "args", flat=True
        )
    ) == [[user.pk]]
    assert Response.objects.filter(attempt=attempt, points_awarded=1).count() == 30


def test_concurrent_starts_make_one_attempt(postgres):
    exam = make_exam(questions=10, max_attempts=1)
    user = UserFactory()
    results = run_at_once(lambda: services.start(user, exam), 8)
    assert len({attempt.pk for attempt, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert Attempt.objects.filter(exam=exam, user=user).count() == 1


def test_answer_racing_submit_is_either_saved_before_or_refused(postgres):
    exam = make_exam(questions=5)
    user = UserFactory()
    attempt, _ = services.start(user, exam)
    answers = correct_answers(attempt)
    outcomes = []

    def answer_or_submit(i=[0]):  # noqa: B006 - a counter shared by the threads
        i[0] += 1
        if i[0] % 2:
            return services.submit(attempt.pk, user)
        try:
            services.save_answers(attempt.pk, user, answers)
            outcomes.append("saved")
        except services.AttemptClosed:
            outcomes.append("refused")

    run_at_once(answer_or_submit, 6)
    attempt.refresh_from_db()
    saved = Response.objects.filter(attempt=attempt).exclude(selected=[]).exists()
    # What the grade counted is exactly what was stored when the attempt closed.
    assert attempt.state == Attempt.State.GRADED
    assert (attempt.score == 100) == saved
