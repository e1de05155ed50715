"""Knowledge checks are graded on the server; the answer key never reaches an unanswered page."""

import json
import re

import pytest

from courses import services
from courses.grading import grade
from courses.models import LessonProgress

from .content import CHECK_QUESTIONS, RIGHT_ANSWERS, check_block, en


@pytest.fixture
def check_lesson(lessons):
    return lessons[2]


@pytest.fixture
def enrolled(member, course):
    services.enrol(member, course)
    return member


def without_csrf_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def check_section(html: str) -> str:
    start = html.index('<section class="knowledge-check"')
    return html[start : html.index("</section>", start)]


def test_grading_needs_exactly_the_correct_options():
    check = {"questions": CHECK_QUESTIONS, "pass_percentage": 100}
    assert grade(check, {0: frozenset({1}), 1: frozenset({0, 2})}).passed
    partial = grade(check, {0: frozenset({1}), 1: frozenset({0})})
    assert (partial.correct_count, partial.score, partial.passed) == (1, 50, False)
    assert (
        not grade(check, {0: frozenset({1, 2}), 1: frozenset({0, 2})})
        .questions[0]
        .answered_correctly
    )
    assert grade({"questions": CHECK_QUESTIONS, "pass_percentage": 50}, {0: frozenset({1})}).passed


def test_failed_attempt_reveals_neither_the_key_nor_the_explanations(check_lesson):
    check = {"questions": CHECK_QUESTIONS, "pass_percentage": 100}
    result = grade(check, {0: frozenset({1}), 1: frozenset({1})})
    assert all(o.correct is None for q in result.questions for o in q.options)
    assert result.questions[0].explanation.startswith("EXPLANATION-ONE")  # answered right
    assert result.questions[1].explanation == ""


def test_the_unanswered_form_carries_no_answer_key(member_client, enrolled, course, check_lesson):
    before = check_section(member_client.get(en(check_lesson)).content.decode())
    assert "EXPLANATION" not in before
    # Apart from the stated pass rule and the hint, nothing says "correct".
    without_rule = re.sub(r'<p class="check-rule">.*?</p>', "", before, flags=re.S)
    assert "correct" not in without_rule.lower().replace("tick every correct answer", "")

    # The same questions with a different answer key render the very same form.
    swapped = json.loads(json.dumps(CHECK_QUESTIONS))
    for question in swapped:
        for option in question["options"]:
            option["correct"] = not option["correct"]
    swapped[0]["options"][0]["correct"] = True
    swapped[0]["options"][2]["correct"] = False
    check_lesson.body = [check_block(swapped)]
    check_lesson.save()
    after = check_section(member_client.get(en(check_lesson)).content.decode())
    assert without_csrf_token(before) == without_csrf_token(after)


def test_the_api_exposes_no_lesson_body(client, check_lesson):
    response = client.get(f"/api/v2/pages/{check_lesson.pk}/?fields=*")
    assert response.status_code == 200
    data = response.json()
    assert "body" not in data
    text = json.dumps(data, ensure_ascii=False)
    assert "correct" not in text and "EXPLANATION" not in text and "options" not in text
    listing = client.get("/api/v2/pages/?type=courses.LessonPage&fields=*").json()
    assert listing["meta"]["total_count"] == 3
    assert "correct" not in json.dumps(listing)


def test_passing_completes_the_lesson_and_shows_the_results(member_client, enrolled, check_lesson):
    response = member_client.post(en(check_lesson) + "check/", RIGHT_ANSWERS)

    assert response.status_code == 302
    assert response["Location"] == en(check_lesson) + "#knowledge-check"
    progress = LessonProgress.objects.get(user=enrolled, lesson=check_lesson)
    assert progress.completed_at and progress.check_score == 100 and progress.check_attempts == 1
    page = member_client.get(en(check_lesson)).content.decode()
    results = check_section(page)
    assert "Passed" in results and "2 of 2 correct" in results
    assert "EXPLANATION-ONE" in results and "is-correct" in results
    assert "<form" not in results


def test_failing_keeps_the_lesson_open_and_says_which_questions_were_right(
    member_client, enrolled, check_lesson
):
    response = member_client.post(en(check_lesson) + "check/", {"q0": "1", "q1": ["0"]})
    assert response.status_code == 302

    progress = LessonProgress.objects.get(user=enrolled, lesson=check_lesson)
    assert progress.completed_at is None and progress.check_score == 50
    page = member_client.get(en(check_lesson)).content.decode()
    assert "You answered 1 of 2 questions correctly; 100% is needed." in page
    section = check_section(page)
    assert "Your last answer was right." in section and "Your last answer was not right." in section
    assert "is-correct" not in section and "EXPLANATION-TWO" not in section
    assert re.search(r'value="1" id="id_q0_1"[^>]* checked', section)  # last attempt filled in

    member_client.post(en(check_lesson) + "check/", RIGHT_ANSWERS)
    progress.refresh_from_db()
    assert progress.completed_at and progress.check_attempts == 2


@pytest.mark.parametrize(
    "answers",
    [{}, {"q0": "1"}, {"q0": "9", "q1": ["0"]}, {"q0": "x", "q1": ["0"]}, {"q0": "1", "q1": ["7"]}],
    ids=["nothing", "one-missing", "unknown-option", "not-a-number", "unknown-multi"],
)
def test_incomplete_or_invalid_answers_are_a_400_with_a_message(
    member_client, enrolled, check_lesson, answers
):
    response = member_client.post(en(check_lesson) + "check/", answers)
    assert response.status_code == 400
    assert "Answer every question, then check your answers." in response.content.decode()
    assert not LessonProgress.objects.filter(check_attempts__gt=0).exists()


def test_the_service_rejects_answers_the_form_would_not_send(enrolled, check_lesson):
    with pytest.raises(services.InvalidAnswers):
        services.submit_knowledge_check(
            enrolled, check_lesson, {0: frozenset({1, 2}), 1: frozenset({0})}
        )
    with pytest.raises(services.InvalidAnswers):
        services.submit_knowledge_check(enrolled, check_lesson, {0: frozenset({1})})


def test_checking_needs_an_enrolment_and_a_check(
    member_client, member, course, lessons, check_lesson
):
    response = member_client.post(en(check_lesson) + "check/", RIGHT_ANSWERS)
    assert response.status_code == 403
    services.enrol(member, course)
    response = member_client.post(en(lessons[0]) + "check/", RIGHT_ANSWERS)
    assert response.status_code == 400
    assert "This lesson has no knowledge check." in response.content.decode()


def test_a_question_needs_a_correct_option(catalogue):
    from django.core.exceptions import ValidationError

    from courses.blocks import KnowledgeCheckBlock

    block = KnowledgeCheckBlock()
    value = block.to_python(check_block()["value"])
    block.clean(value)
    bad = json.loads(json.dumps(check_block()["value"]))
    bad["questions"][0]["options"][0]["correct"] = True  # single choice with two correct options
    with pytest.raises(ValidationError):
        block.clean(block.to_python(bad))
    bad["questions"][0]["options"] = [
        {"text": "a", "correct": False},
        {"text": "b", "correct": False},
    ]
    with pytest.raises(ValidationError):
        block.clean(block.to_python(bad))


def test_the_search_index_holds_no_lesson_body(course, check_lesson):
    from academy import search

    check_lesson.save_revision().publish()
    doc = search.SearchDocument.objects.get(object_id=check_lesson.pk)
    assert "EXPLANATION" not in doc.body and "审核规则" not in doc.body


def test_a_lesson_renders_in_preview_for_an_editor_without_enrolment(course, check_lesson):
    from academy.models import User

    editor = User.objects.create_superuser("preview-editor", "preview@example.com", "x")
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = editor
    response = check_lesson.make_preview_request(request)
    html = response.content.decode()
    assert response.status_code == 200
    assert "审核规则" in html  # the body, although the editor is not enrolled
    assert 'id="knowledge-check"' in html

    # An unsaved lesson (the admin's "preview before create") renders too, for nobody in particular.
    draft = type(check_lesson)(title="新课", slug="new-lesson", body=[check_block()])
    draft.depth = course.depth + 1
    draft.path = course.path + "ZZZZ"
    response = draft.make_preview_request()
    assert response.status_code == 200
    assert "新课" in response.content.decode()


def test_course_and_case_pages_render_in_preview_without_a_learner(course, case_index):
    from .content import make_case

    case = make_case(case_index)
    for page in (course, case, course.get_parent().specific, case_index):
        response = page.make_preview_request()
        assert response.status_code == 200, page


@pytest.mark.parametrize(
    ("total", "pass_percentage", "needed"),
    [
        (2, 100, 2),
        (2, 50, 1),
        (5, 80, 4),
        (4, 80, 4),
        (3, 80, 3),
        (10, 80, 8),
        (3, 60, 2),
        (3, 1, 1),
    ],
)
def test_the_stated_number_of_right_answers_is_what_grading_needs(total, pass_percentage, needed):
    from courses.grading import correct_needed

    assert correct_needed(total, pass_percentage) == needed
    questions = [CHECK_QUESTIONS[0]] * total
    right = {i: frozenset({1}) for i in range(needed)}
    check = {"questions": questions, "pass_percentage": pass_percentage}
    assert grade(check, right).passed
    assert not grade(check, dict(list(right.items())[:-1])).passed


def test_the_check_states_its_pass_mark(member_client, enrolled, check_lesson):
    section = check_section(member_client.get(en(check_lesson)).content.decode())
    # The fixture's check has 2 questions and a 100% pass mark.
    assert "Answer all 2 questions correctly to complete the lesson." in section
