"""Factories for exams: banks with choice questions, exams with pools, attempts."""

from decimal import Decimal

import factory

from certification.models import Choice, Exam, ExamPool, Question, QuestionBank
from tests.factories import UserFactory  # noqa: F401  (re-exported for the exam tests)


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank

    title = factory.Sequence(lambda n: f"题库 {n}")
    slug = factory.Sequence(lambda n: f"bank-{n}")


class ExamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exam

    title = factory.Sequence(lambda n: f"认证考试 {n}")
    slug = factory.Sequence(lambda n: f"exam-{n}")
    pass_mark = 70
    published = True
    shuffle_questions = False
    shuffle_choices = False


def add_questions(bank, count, *, kind=Question.Kind.SINGLE, topic="", points=1, **extra):
    """`count` questions in `bank` whose first choice is correct ("A"); bulk, for big banks."""
    questions = Question.objects.bulk_create(
        [
            Question(
                bank=bank,
                kind=kind,
                text=f"{bank.slug} 第 {i + 1} 题：以下哪项正确？",
                topic=topic,
                points=Decimal(points),
                explanation=f"解析 {i + 1}",
                **extra,
            )
            for i in range(count)
        ]
    )
    choices = []
    for q in questions:
        if kind == Question.Kind.SHORT:
            continue
        if kind == Question.Kind.TRUE_FALSE:
            specs = [("正确", True), ("错误", False)]
        elif kind == Question.Kind.MULTIPLE:
            specs = [("A", True), ("B", True), ("C", False), ("D", False)]
        else:
            specs = [("A", True), ("B", False), ("C", False), ("D", False)]
        choices += [
            Choice(question=q, text=text, is_correct=ok, sort_order=i)
            for i, (text, ok) in enumerate(specs)
        ]
    Choice.objects.bulk_create(choices)
    return questions


def make_exam(questions=5, draw=None, bank=None, kind=Question.Kind.SINGLE, **exam_fields):
    bank = bank or QuestionBankFactory()
    if questions:
        add_questions(bank, questions, kind=kind)
    exam = ExamFactory(**exam_fields)
    ExamPool.objects.create(exam=exam, bank=bank, count=draw or questions)
    return exam


def correct_answers(attempt) -> dict[int, object]:
    """{position: answer} answering every choice question of `attempt` right."""
    answers = {}
    for r in attempt.responses.all():
        if r.kind == Question.Kind.SHORT:
            answers[r.position] = "我的回答"
        elif r.kind == Question.Kind.MULTIPLE:
            answers[r.position] = list(r.correct_keys)
        else:
            answers[r.position] = r.correct_keys[0]
    return answers


def wrong_answers(attempt) -> dict[int, object]:
    return {
        r.position: next(c["key"] for c in r.choices if c["key"] not in r.correct_keys)
        for r in attempt.responses.all()
    }
