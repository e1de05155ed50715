"""Demo exams for `seed_demo`, from demo/certification/question_banks.yaml and exams.yaml: the
question bank on mini-program e-commerce and payments, the lecturer's written exam drawing 20 of
its questions, a short-answer bank for the grading queue, and made-up candidates' graded
attempts so the statistics page has something to show.

    from certification import demo_exams
    demo_exams.seed(self.stdout)

Idempotent: banks and exams are looked up by slug, questions by their text in their bank,
candidates by e-mail; attempts are only added when the exam has none.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from academy.demo_data import load

from .models import Attempt, Choice, Exam, ExamPool, Question, QuestionBank
from .services import exams as services

BANKS = "certification/question_banks.yaml"
EXAMS = "certification/exams.yaml"
LETTERS = "ABCDEFGHIJ"
# Fields of an exam in exams.yaml that are not columns of Exam.
EXAM_EXTRAS = ("pools", "sample_candidates")


def banks() -> list[dict[str, Any]]:
    return load(BANKS)["banks"]


def exams() -> list[dict[str, Any]]:
    return load(EXAMS)["exams"]


def exam_spec(slug: str) -> dict[str, Any]:
    return next(spec for spec in exams() if spec["slug"] == slug)


def choices(question: dict[str, Any]) -> list[str]:
    """The options of a question as the bank file gives them, in order A, B, C …"""
    if question["kind"] == Question.Kind.TRUE_FALSE:
        return list(load(BANKS)["true_false_choices"])
    return list(question.get("choices", []))


def correct_indexes(question: dict[str, Any]) -> set[int]:
    """Positions of the right options: letters ("A, C"), or true / false for true_false."""
    correct = question.get("correct")
    if question["kind"] == Question.Kind.TRUE_FALSE:
        return {0 if correct else 1}
    if not correct:
        return set()
    return {LETTERS.index(letter.strip()) for letter in str(correct).split(",")}


def _seed_bank(spec: dict[str, Any]) -> QuestionBank:
    bank, _ = QuestionBank.objects.get_or_create(
        slug=spec["slug"],
        defaults={"title": spec["title"], "description": spec.get("description", "")},
    )
    existing = set(bank.questions.values_list("text", flat=True))
    for item in spec["questions"]:
        if item["text"] in existing:
            continue
        fields = {
            key: item[key]
            for key in ("topic", "difficulty", "points", "scoring", "explanation", "model_answer")
            if key in item
        }
        question = Question.objects.create(
            bank=bank, kind=item["kind"], text=item["text"], **fields
        )
        right = correct_indexes(item)
        Choice.objects.bulk_create(
            [
                Choice(question=question, text=text, is_correct=i in right, sort_order=i)
                for i, text in enumerate(choices(item))
            ]
        )
    return bank


def _seed_exam(spec: dict[str, Any], banks_by_slug: dict[str, QuestionBank]) -> Exam:
    fields = {key: value for key, value in spec.items() if key not in EXAM_EXTRAS}
    exam, created = Exam.objects.get_or_create(slug=spec["slug"], defaults=fields)
    if created:
        # One by one, not in bulk: saving a pool records the exam's use of the bank in Wagtail's
        # reference index (the bank's usage in the admin).
        for order, pool in enumerate(spec.get("pools", [])):
            ExamPool.objects.create(
                exam=exam, bank=banks_by_slug[pool["bank"]], count=pool["count"], sort_order=order
            )
    return exam


def take_exam(user, exam: Exam, knows, *, seed: int = 0, days_ago: int = 0) -> Attempt:
    """A real attempt through the services: `knows(position)` says which questions `user`
    answers right; the attempt is then moved `days_ago` into the past (the wait between
    attempts counts from there)."""
    attempt, _ = services.start(user, exam, seed=seed)
    answers = {}
    for r in attempt.responses.all():
        wrong = [c["key"] for c in r.choices if c["key"] not in r.correct_keys]
        if r.kind == Question.Kind.MULTIPLE:
            answers[r.position] = list(r.correct_keys) if knows(r.position) else wrong[:1]
        else:
            answers[r.position] = r.correct_keys[0] if knows(r.position) else wrong[0]
    services.save_answers(attempt.pk, user, answers)
    attempt = services.submit(attempt.pk)
    if days_ago:
        shift = timedelta(days=days_ago)
        Attempt.objects.filter(pk=attempt.pk).update(
            started_at=F("started_at") - shift,
            submitted_at=F("submitted_at") - shift,
            deadline=F("deadline") - shift,
            graded_at=F("graded_at") - shift,
        )
        attempt.refresh_from_db()
    return attempt


def _seed_attempts(exam: Exam, candidates: list[dict[str, Any]]) -> int:
    """Made-up candidates' graded attempts (they cannot log in), for the statistics page."""
    if Attempt.objects.filter(exam=exam).exclude(user__email="lecturer@example.com").exists():
        return 0
    User = get_user_model()
    made = 0
    for i, candidate in enumerate(candidates):
        email = candidate["email"]
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, username=email.split("@")[0], display_name=candidate["name"])
            user.set_unusable_password()
            user.save()
        # Seeded per candidate, so every run draws the same answers.
        rng = random.Random(100 + i)
        skill = candidate["skill"]
        take_exam(user, exam, lambda _, rng=rng, skill=skill: rng.random() < skill, seed=i)
        made += 1
    return made


def seed(stdout=None) -> Exam:
    """Every bank and exam of the files; returns the first exam (the lecturer's written exam)."""
    with transaction.atomic():
        banks_by_slug = {spec["slug"]: _seed_bank(spec) for spec in banks()}
        made, seeded = 0, []
        for spec in exams():
            exam = _seed_exam(spec, banks_by_slug)
            made += _seed_attempts(exam, spec.get("sample_candidates", []))
            seeded.append(exam)
    if stdout is not None:
        for exam in seeded:
            in_banks = Question.objects.filter(bank__pools__exam=exam).count()
            stdout.write(
                f"Exam “{exam.title}”: {in_banks} questions in its banks"
                + (f", {made} sample attempts." if made else ".")
            )
    return seeded[0]
