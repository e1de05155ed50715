"""The certification demo's data files (demo/certification/) parse and their references resolve:
what a typo in the YAML would otherwise break only when seed_demo runs."""

from collections import Counter

from academy.demo_data import demo_dir, load
from certification import demo_exams, demo_programmes
from certification.models import Exam, Programme, Question, Requirement

STORIES = {"earned", "awarded", "revoked", "expired", "none"}


def test_every_file_parses():
    names = sorted(p.name for p in (demo_dir() / "certification").glob("*.yaml"))
    assert names == ["exams.yaml", "programmes.yaml", "question_banks.yaml"]
    for name in names:
        assert isinstance(load(f"certification/{name}"), dict)


def test_each_choice_question_has_a_right_option_among_its_choices():
    kinds = set(Question.Kind.values)
    for bank in demo_exams.banks():
        texts = Counter(q["text"] for q in bank["questions"])
        # A question's text is its natural key in the bank: a duplicate would never be seeded.
        assert [t for t, n in texts.items() if n > 1] == [], bank["slug"]
        for question in bank["questions"]:
            assert question["kind"] in kinds, question["text"]
            if question["kind"] == Question.Kind.SHORT:
                assert question.get("model_answer"), question["text"]
                continue
            choices = demo_exams.choices(question)
            right = demo_exams.correct_indexes(question)
            assert len(choices) >= 2 and right, question["text"]
            assert max(right) < len(choices), question["text"]
            if question["kind"] != Question.Kind.MULTIPLE:
                assert len(right) == 1, question["text"]


def test_each_exam_draws_from_known_banks_and_has_only_exam_fields():
    banks = {bank["slug"]: bank for bank in demo_exams.banks()}
    columns = {field.name for field in Exam._meta.get_fields()}
    for exam in demo_exams.exams():
        assert set(exam) - set(demo_exams.EXAM_EXTRAS) <= columns, exam["slug"]
        for pool in exam["pools"]:
            assert pool["bank"] in banks, exam["slug"]
            assert pool["count"] <= len(banks[pool["bank"]]["questions"]), exam["slug"]
        emails = [candidate["email"] for candidate in exam.get("sample_candidates", [])]
        assert len(emails) == len(set(emails)), exam["slug"]


def test_each_programmes_required_exam_exists_and_its_holders_have_a_story():
    exams = {exam["slug"] for exam in demo_exams.exams()}
    kinds = set(Requirement.Kind.values)
    columns = {field.name for field in Programme._meta.get_fields()}
    assert demo_programmes.programmes()[0]["slug"] == demo_programmes.PROGRAMME_SLUG
    for programme in demo_programmes.programmes():
        assert set(programme) - set(demo_programmes.PROGRAMME_EXTRAS) <= columns
        assert programme["level"] in Programme.Level.values
        requirements = programme["requirements"]
        assert {r["kind"] for r in requirements} <= kinds, programme["slug"]
        required = [r["exam"] for r in requirements if r["kind"] == Requirement.Kind.EXAM_PASSED]
        assert required and set(required) <= exams, programme["slug"]
        assert all(r["course"] for r in requirements if r["kind"] == "course")
        emails = [holder["email"] for holder in programme["holders"]]
        assert len(emails) == len(set(emails)), programme["slug"]
        for holder in programme["holders"]:
            story = holder["certificate"]
            assert story in STORIES, holder["email"]
            if story in {"earned", "awarded", "revoked"}:
                assert holder["award_reason"], holder["email"]
            if story == "revoked":
                assert holder["revoke_reason"], holder["email"]
            if story == "expired":
                # Older than the programme's validity, or it would not have expired.
                assert holder["issued_days_ago"] > programme["validity_months"] * 31
            if "name" in holder:  # created by the demo: a lecturer profile needs a city
                assert holder["city"], holder["email"]
