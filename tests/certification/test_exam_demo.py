"""The demo exam as seed_demo leaves it: the lecturer can take and pass it."""

from io import StringIO

import pytest
from django.core.management import call_command

from certification.models import Attempt, Exam, Question
from certification.services import exams as services
from tests.certification.factories_exams import correct_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=StringIO())


def test_demo_bank_and_exam(seeded):
    exam = Exam.objects.get(title="認證講師筆試 · 小程序電商")
    assert (exam.pass_mark, exam.time_limit_minutes, exam.max_attempts, exam.wait_hours) == (
        70,
        30,
        3,
        24,
    )
    assert exam.question_count == 20 and exam.published
    bank = exam.pools.get().bank
    assert bank.questions.filter(status="active").count() >= 40
    for question in bank.questions.prefetch_related("choices"):
        right = [c for c in question.choices.all() if c.is_correct]
        assert len(question.choices.all()) >= 2 and right
        if question.kind != Question.Kind.MULTIPLE:
            assert len(right) == 1
    # 12 sample candidates, the certified lecturers (programmes demo) and the demo team (growth).
    assert Attempt.objects.filter(exam=exam, state="graded").count() >= 12


def test_demo_is_idempotent(seeded):
    questions, attempts = Question.objects.count(), Attempt.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (Question.objects.count(), Attempt.objects.count()) == (questions, attempts)


def test_demo_lecturer_can_pass(seeded, django_user_model):
    lecturer = django_user_model.objects.get(email="lecturer@example.com")
    exam = Exam.objects.get(slug="lecturer-written-exam-commerce")
    attempt, _ = services.start(lecturer, exam)
    services.save_answers(attempt.pk, lecturer, correct_answers(attempt))
    attempt = services.submit(attempt.pk, lecturer)
    assert attempt.passed and services.exam_pass(lecturer, exam).score == 100
