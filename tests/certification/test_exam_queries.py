"""Query ceilings: the same number of queries whatever the size of the bank or the attempt."""

import pytest

from certification.models import Attempt
from certification.services import exams as services
from tests.certification.factories_exams import (
    QuestionBankFactory,
    add_questions,
    correct_answers,
    make_exam,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# start: lock the candidate, eligibility (attempts, in progress, override), pools, one id query
# per pool, questions, choices, insert attempt, bulk insert responses; plus 4 savepoint statements.
START_QUERIES = 14
SAVE_QUERIES = 5
# submit: lock the attempt, responses, one bulk update, the attempt's update, 2 savepoint
# statements; a pass adds the programme re-check's outbox row.
SUBMIT_QUERIES = 7


@pytest.mark.parametrize("bank_size", [25, 1000])
def test_start_from_a_big_bank_is_constant(bank_size, django_assert_max_num_queries):
    bank = QuestionBankFactory()
    add_questions(bank, bank_size)
    exam = make_exam(questions=0, bank=bank, draw=20, time_limit_minutes=30, shuffle_choices=True)
    user = UserFactory()
    with django_assert_max_num_queries(START_QUERIES):
        attempt, _ = services.start(user, exam)
    assert attempt.responses.count() == 20


@pytest.mark.parametrize("size", [5, 100])
def test_save_answer_is_constant(size, django_assert_max_num_queries):
    exam = make_exam(questions=size, time_limit_minutes=30)
    user = UserFactory()
    attempt, _ = services.start(user, exam)
    answer = {0: correct_answers(attempt)[0]}
    with django_assert_max_num_queries(SAVE_QUERIES):
        services.save_answers(attempt.pk, user, answer)


@pytest.mark.parametrize("size", [5, 100])
def test_submit_and_grade_is_constant(size, django_assert_max_num_queries):
    exam = make_exam(questions=size, time_limit_minutes=30)
    user = UserFactory()
    attempt, _ = services.start(user, exam)
    services.save_answers(attempt.pk, user, correct_answers(attempt))
    with django_assert_max_num_queries(SUBMIT_QUERIES):
        attempt = services.submit(attempt.pk, user)
    assert attempt.state == Attempt.State.GRADED and attempt.score == 100


@pytest.mark.parametrize("size", [5, 100])
def test_attempt_page_and_answer_post_are_constant(size, client, django_assert_max_num_queries):
    exam = make_exam(questions=size, layout="all")
    user = UserFactory()
    client.force_login(user)
    attempt, _ = services.start(user, exam)
    # The site shell (session, user, site, settings, footer text) costs 7 of these.
    with django_assert_max_num_queries(11):
        assert client.get(f"/exams/attempts/{attempt.pk}/").status_code == 200
    r = attempt.responses.get(position=0)
    # session, user, then the locked attempt (with its exam), its responses, one UPDATE.
    with django_assert_max_num_queries(7):
        response = client.post(
            f"/exams/attempts/{attempt.pk}/answer/",
            {"positions": "0", "q0": r.choices[0]["key"]},
            headers={"X-Requested-With": "fetch"},
        )
    assert response.status_code == 200
