"""The attempt flow through the services: start, snapshot, answer, deadline, submit, grade."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.models import OutboxTask
from certification.models import Attempt, Choice, Exam, ExamOverride, Question
from certification.services import exams as services
from tests.certification.factories_exams import (
    QuestionBankFactory,
    add_questions,
    correct_answers,
    make_exam,
    wrong_answers,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(timezone.datetime(2026, 11, 26, 9, 0))


def _rechecks(user) -> int:
    """Programme re-checks recorded for `user`: what grading a pass calls (exams._finalise)."""
    return OutboxTask.objects.filter(
        task="certification.tasks.check_programmes", args=[user.pk]
    ).count()


@pytest.fixture
def candidate():
    return UserFactory()


def test_start_draws_pool_count_and_snapshots_questions(candidate):
    exam = make_exam(questions=12, draw=5)
    attempt, created = services.start(candidate, exam)
    assert created
    responses = list(attempt.responses.order_by("position"))
    assert len(responses) == 5
    assert len({r.question_id for r in responses}) == 5
    assert all(len(r.choices) == 4 and len(r.correct_keys) == 1 for r in responses)
    assert attempt.points_possible == 5


def test_editing_a_question_never_changes_an_attempt(candidate):
    exam = make_exam(questions=1)
    attempt, _ = services.start(candidate, exam)
    question = Question.objects.get()
    question.text = "改过的题目"
    question.save()
    Choice.objects.filter(question=question).update(is_correct=False, text="改")
    response = attempt.responses.get()
    assert response.text != "改过的题目"
    assert [c["text"] for c in response.choices] == ["A", "B", "C", "D"]
    services.save_answers(attempt.pk, candidate, correct_answers(attempt))
    assert services.submit(attempt.pk).score == Decimal("100.00")


def test_pools_respect_topic_and_never_repeat(candidate):
    bank = QuestionBankFactory()
    add_questions(bank, 3, topic="支付")
    add_questions(bank, 3, topic="物流")
    exam = make_exam(questions=0, bank=bank, draw=3)
    exam.pools.update(topic="支付")
    attempt, _ = services.start(candidate, exam)
    assert {r.question.topic for r in attempt.responses.all()} == {"支付"}


def test_not_enough_questions_refuses_to_start(candidate):
    exam = make_exam(questions=2, draw=3)
    with pytest.raises(services.ExamNotOpen):
        services.start(candidate, exam)
    assert not Attempt.objects.exists()


def test_retired_questions_are_not_drawn(candidate):
    exam = make_exam(questions=3, draw=3)
    Question.objects.filter(pk=Question.objects.first().pk).update(status="retired")
    with pytest.raises(services.ExamNotOpen):
        services.start(candidate, exam)


def test_shuffle_choices_changes_order_but_grades_the_same(candidate):
    exam = make_exam(questions=30, shuffle_choices=True, shuffle_questions=True)
    attempt, _ = services.start(candidate, exam, seed=7)
    orders = {tuple(c["text"] for c in r.choices) for r in attempt.responses.all()}
    assert len(orders) > 1
    positions = [r.question_id for r in attempt.responses.order_by("position")]
    assert positions != sorted(positions)
    services.save_answers(attempt.pk, candidate, correct_answers(attempt))
    assert services.submit(attempt.pk).score == 100


def test_true_false_choices_keep_their_order(candidate):
    exam = make_exam(questions=3, kind=Question.Kind.TRUE_FALSE, shuffle_choices=True)
    attempt, _ = services.start(candidate, exam, seed=3)
    assert all([c["text"] for c in r.choices] == ["正确", "错误"] for r in attempt.responses.all())


def test_second_start_resumes_the_attempt_in_progress(candidate):
    exam = make_exam()
    first, _ = services.start(candidate, exam)
    again, created = services.start(candidate, exam)
    assert again.pk == first.pk and not created


def test_database_allows_one_attempt_in_progress(candidate):
    exam = make_exam()
    services.start(candidate, exam)
    with pytest.raises(IntegrityError):
        Attempt.objects.create(exam=exam, user=candidate)


def test_answers_are_saved_and_replaced(candidate):
    exam = make_exam(questions=2)
    attempt, _ = services.start(candidate, exam)
    r0 = attempt.responses.get(position=0)
    services.save_answers(attempt.pk, candidate, {0: r0.choices[1]["key"]})
    services.save_answers(attempt.pk, candidate, {0: r0.choices[0]["key"]})
    r0.refresh_from_db()
    assert r0.selected == [r0.choices[0]["key"]] and r0.answered_at


def test_invalid_answers_are_refused(candidate):
    exam = make_exam(questions=1)
    attempt, _ = services.start(candidate, exam)
    with pytest.raises(services.InvalidAnswer):
        services.save_answers(attempt.pk, candidate, {0: "not-a-key"})
    keys = [c["key"] for c in attempt.responses.get().choices]
    with pytest.raises(services.InvalidAnswer):
        services.save_answers(attempt.pk, candidate, {0: keys[:2]})
    with pytest.raises(services.InvalidAnswer):
        services.save_answers(attempt.pk, candidate, {5: keys[0]})


def test_another_candidate_cannot_save_into_an_attempt(candidate):
    exam = make_exam(questions=1)
    attempt, _ = services.start(candidate, exam)
    with pytest.raises(Attempt.DoesNotExist):
        services.save_answers(attempt.pk, UserFactory(), correct_answers(attempt))


def test_all_or_nothing_and_partial_credit_for_multiple_choice(candidate):
    bank = QuestionBankFactory()
    add_questions(bank, 1, kind=Question.Kind.MULTIPLE)
    add_questions(bank, 1, kind=Question.Kind.MULTIPLE, scoring=Question.Scoring.PARTIAL)
    exam = make_exam(questions=0, bank=bank, draw=2)
    attempt, _ = services.start(candidate, exam)
    answers = {}
    for r in attempt.responses.all():
        # One of the two right choices ticked, no wrong one.
        answers[r.position] = [r.correct_keys[0]]
    services.save_answers(attempt.pk, candidate, answers)
    attempt = services.submit(attempt.pk)
    points = {r.scoring: r.points_awarded for r in attempt.responses.all()}
    assert points == {"all": Decimal("0.00"), "partial": Decimal("0.50")}
    assert attempt.score == Decimal("25.00") and attempt.passed is False


def test_partial_credit_takes_off_for_wrong_choices():
    from certification.models import Response
    from certification.services.grading import grade_response_points

    response = Response(
        kind="multiple",
        scoring="partial",
        points=Decimal(2),
        choices=[{"key": k, "text": k} for k in "abcd"],
        correct_keys=["a", "b"],
        selected=["a", "b", "c"],
    )
    assert grade_response_points(response) == Decimal("1.00")
    response.selected = ["c", "d"]
    assert grade_response_points(response) == 0


def test_submit_grades_once_and_a_second_submit_returns_the_same(candidate):
    exam = make_exam(questions=4)
    attempt, _ = services.start(candidate, exam)
    services.save_answers(attempt.pk, candidate, correct_answers(attempt))
    with time_machine.travel(NOW, tick=False):
        first = services.submit(attempt.pk, candidate)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        second = services.submit(attempt.pk, candidate)
    assert first.state == second.state == Attempt.State.GRADED
    assert second.graded_at == first.graded_at == NOW
    assert second.score == Decimal("100.00") and second.passed
    assert _rechecks(candidate) <= 1


def test_a_pass_records_its_programme_recheck_in_the_grading_transaction(candidate):
    """The re-check that may issue a certificate commits with the grade, or not at all: a process
    that dies right after the commit leaves it in the outbox for the relay."""
    exam = make_exam(questions=2)
    attempt, _ = services.start(candidate, exam)
    services.save_answers(attempt.pk, candidate, correct_answers(attempt))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit(attempt.pk)
        assert _rechecks(candidate) == 1
        raise RuntimeError("the request fails after grading")
    # Rolled back together: neither the grade nor the re-check is left.
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.IN_PROGRESS
    assert not OutboxTask.objects.exists()
    services.submit(attempt.pk)
    assert _rechecks(candidate) == 1
    assert list(OutboxTask.objects.values_list("task", "args")) == [
        ("certification.tasks.check_programmes", [candidate.pk])
    ]


def test_failing_sends_nothing(candidate, django_capture_on_commit_callbacks):
    exam = make_exam(questions=2)
    attempt, _ = services.start(candidate, exam)
    services.save_answers(attempt.pk, candidate, wrong_answers(attempt))
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.submit(attempt.pk)
    assert result.passed is False and result.score == 0
    assert callbacks == []


# --- Time ----------------------------------------------------------------------------------------


def test_deadline_is_time_limit_plus_extra_time_capped_at_close(candidate):
    exam = make_exam(time_limit_minutes=30)
    ExamOverride.objects.create(exam=exam, user=candidate, extra_minutes=10)
    with time_machine.travel(NOW, tick=False):
        attempt, _ = services.start(candidate, exam)
    assert attempt.deadline == NOW + timedelta(minutes=40)
    other = UserFactory()
    exam.closes_at = NOW + timedelta(minutes=20)
    exam.save()
    with time_machine.travel(NOW, tick=False):
        attempt, _ = services.start(other, exam)
    assert attempt.deadline == NOW + timedelta(minutes=20)


def test_answer_after_deadline_is_refused_and_attempt_submitted(candidate):
    exam = make_exam(questions=2, time_limit_minutes=30)
    with time_machine.travel(NOW, tick=False):
        attempt, _ = services.start(candidate, exam)
        answers = correct_answers(attempt)
        services.save_answers(attempt.pk, candidate, {0: answers[0]})
    with time_machine.travel(NOW + timedelta(minutes=29, seconds=59), tick=False):
        services.save_answers(attempt.pk, candidate, {0: answers[0]})
    with (
        time_machine.travel(NOW + timedelta(minutes=31), tick=False),
        pytest.raises(services.AttemptClosed) as refused,
    ):
        services.save_answers(attempt.pk, candidate, {1: answers[1]})
    assert "deadline" in str(refused.value).lower() or "时间" in str(refused.value)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED and attempt.auto_submitted
    assert attempt.score == Decimal("50.00")
    assert attempt.responses.get(position=1).selected == []


def test_beat_job_closes_abandoned_attempts(candidate):
    from certification.tasks import close_abandoned_attempts

    exam = make_exam(questions=2, time_limit_minutes=10)
    with time_machine.travel(NOW, tick=False):
        attempt, _ = services.start(candidate, exam)
        untimed, _ = services.start(UserFactory(), make_exam(questions=1))
    with time_machine.travel(NOW + timedelta(minutes=9), tick=False):
        assert close_abandoned_attempts() == 0
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        assert close_abandoned_attempts() == 1
        assert close_abandoned_attempts() == 0
    attempt.refresh_from_db()
    untimed.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED and attempt.auto_submitted
    assert untimed.state == Attempt.State.IN_PROGRESS


def test_exam_opens_and_closes(candidate):
    exam = make_exam(opens_at=NOW, closes_at=NOW + timedelta(days=1))
    for moment in (NOW - timedelta(minutes=1), NOW + timedelta(days=1, minutes=1)):
        with time_machine.travel(moment, tick=False), pytest.raises(services.ExamNotOpen):
            services.start(candidate, exam)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert services.start(candidate, exam)[1]


def test_unpublished_exam_cannot_start(candidate):
    with pytest.raises(services.ExamNotOpen):
        services.start(candidate, make_exam(published=False))


# --- Attempts allowed, waiting, overrides -------------------------------------------------------


def _take(user, exam, answers=correct_answers):
    attempt, _ = services.start(user, exam)
    services.save_answers(attempt.pk, user, answers(attempt))
    return services.submit(attempt.pk)


def test_max_attempts_and_extra_attempt_override(candidate):
    exam = make_exam(max_attempts=2)
    _take(candidate, exam, wrong_answers)
    _take(candidate, exam, wrong_answers)
    with pytest.raises(services.NoAttemptsLeft):
        services.start(candidate, exam)
    ExamOverride.objects.create(exam=exam, user=candidate, extra_attempts=1)
    attempt, created = services.start(candidate, exam)
    assert created and attempt.number == 3


def test_wait_between_attempts(candidate):
    exam = make_exam(wait_hours=24)
    with time_machine.travel(NOW, tick=False):
        _take(candidate, exam, wrong_answers)
    with time_machine.travel(NOW + timedelta(hours=23), tick=False):
        with pytest.raises(services.ExamNotOpen) as refused:
            services.start(candidate, exam)
        assert services.eligibility(candidate, exam).next_start == NOW + timedelta(hours=24)
    assert refused.value.status == 403
    with time_machine.travel(NOW + timedelta(hours=24, minutes=1), tick=False):
        assert services.start(candidate, exam)[1]


# --- Grading method and exam_pass --------------------------------------------------------------


def test_exam_pass_highest_keeps_the_best_pass(candidate):
    exam = make_exam(questions=2)
    with time_machine.travel(NOW, tick=False):
        good = _take(candidate, exam)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        _take(candidate, exam, wrong_answers)
    result = services.exam_pass(candidate, exam)
    assert result.attempt_id == good.pk and result.score == 100 and result.passed_at == NOW
    assert services.exam_pass(candidate, exam.pk) == result


def test_exam_pass_last_uses_the_latest_attempt(candidate):
    exam = make_exam(questions=2, grading_method=Exam.GradingMethod.LAST)
    with time_machine.travel(NOW, tick=False):
        _take(candidate, exam)
    assert services.exam_pass(candidate, exam) is not None
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        _take(candidate, exam, wrong_answers)
    assert services.exam_pass(candidate, exam) is None
    assert services.exam_pass(candidate, exam.pk) is None
    assert services.exam_pass(UserFactory(), exam) is None


# --- Short answers -------------------------------------------------------------------------------


def test_short_answers_wait_for_an_officer_then_final(
    candidate, django_capture_on_commit_callbacks
):
    bank = QuestionBankFactory()
    add_questions(bank, 1)
    add_questions(bank, 1, kind=Question.Kind.SHORT, points=3)
    exam = make_exam(questions=0, bank=bank, draw=2)
    officer = UserFactory()
    attempt, _ = services.start(candidate, exam)
    services.save_answers(attempt.pk, candidate, correct_answers(attempt))
    attempt = services.submit(attempt.pk)
    assert attempt.state == Attempt.State.SUBMITTED and attempt.score is None
    assert services.exam_pass(candidate, exam) is None
    short = services.grading_queue().get()
    with pytest.raises(services.GradingError):
        services.grade_short_answer(short.pk, points=Decimal(4), by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = services.grade_short_answer(
            short.pk, points=Decimal("2.5"), by=officer, feedback="好"
        )
    assert attempt.state == Attempt.State.GRADED
    assert attempt.score == Decimal("87.50") and attempt.passed
    assert _rechecks(candidate) == 1
    with pytest.raises(services.GradingError):
        services.grade_short_answer(short.pk, points=Decimal(0), by=officer)
    assert not services.grading_queue().exists()


def test_empty_short_answer_scores_zero_without_an_officer(candidate):
    exam = make_exam(questions=1, kind=Question.Kind.SHORT)
    attempt, _ = services.start(candidate, exam)
    attempt = services.submit(attempt.pk)
    assert attempt.state == Attempt.State.GRADED and attempt.score == 0


def test_an_answer_in_flight_at_the_deadline_still_counts(candidate):
    exam = make_exam(questions=1, time_limit_minutes=30)
    with time_machine.travel(NOW, tick=False):
        attempt, _ = services.start(candidate, exam)
    with time_machine.travel(NOW + timedelta(minutes=30, seconds=3), tick=False):
        services.save_answers(attempt.pk, candidate, correct_answers(attempt))
        attempt = services.submit(attempt.pk)
    assert attempt.score == 100 and attempt.auto_submitted
