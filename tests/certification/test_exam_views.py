"""Taking an exam over HTTP: permissions, no-JS posts, autosave JSON, resume, deadline, review."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certification.models import Attempt, Exam, Review
from certification.services import exams as services
from tests.certification.factories_exams import QuestionBankFactory, add_questions, make_exam
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(timezone.datetime(2026, 11, 26, 9, 0))


@pytest.fixture
def candidate():
    return UserFactory()


@pytest.fixture
def candidate_client(candidate):
    client = Client()
    client.force_login(candidate)
    return client


def _start(client, exam) -> Attempt:
    response = client.post(reverse("exams:start", args=[exam.slug]))
    assert response.status_code == 302
    return Attempt.objects.get(exam=exam, state="in_progress")


def test_exam_list_and_detail_show_published_exams(client):
    exam = make_exam(time_limit_minutes=30)
    hidden = make_exam(published=False)
    page = client.get(reverse("exams:list"))
    assert exam.title in page.content.decode() and hidden.title not in page.content.decode()
    assert client.get(reverse("exams:detail", args=[exam.slug])).status_code == 200
    assert client.get(reverse("exams:detail", args=[hidden.slug])).status_code == 404


def test_start_needs_login(client):
    exam = make_exam()
    response = client.post(reverse("exams:start", args=[exam.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Attempt.objects.exists()


def test_start_refused_shows_the_reason_with_4xx(candidate_client):
    exam = make_exam(opens_at=timezone.now() + timedelta(days=1))
    response = candidate_client.post(reverse("exams:start", args=[exam.slug]))
    assert response.status_code == 403
    assert "not open" in response.content.decode() or "未开放" in response.content.decode()


def test_attempt_page_never_shows_correct_answers(candidate_client):
    exam = make_exam(questions=3, layout=Exam.Layout.ALL)
    attempt = _start(candidate_client, exam)
    html = candidate_client.get(reverse("exams:attempt", args=[attempt.pk])).content.decode()
    assert "解析" not in html  # explanations
    assert "is-correct" not in html and "correct_keys" not in html
    for response in attempt.responses.all():
        assert response.text in html


def test_no_js_post_saves_and_moves_to_the_next_question(candidate_client):
    exam = make_exam(questions=3)
    attempt = _start(candidate_client, exam)
    r0 = attempt.responses.get(position=0)
    url = reverse("exams:answer", args=[attempt.pk])
    response = candidate_client.post(
        url, {"positions": "0", "q0": r0.choices[2]["key"], "q": "1", "go": "2"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?q=2")
    r0.refresh_from_db()
    assert r0.selected == [r0.choices[2]["key"]]
    page = candidate_client.get(response["Location"]).content.decode()
    assert attempt.responses.get(position=1).text in page


def test_autosave_answers_json(candidate_client):
    exam = make_exam(questions=2)
    attempt = _start(candidate_client, exam)
    r1 = attempt.responses.get(position=1)
    response = candidate_client.post(
        reverse("exams:answer", args=[attempt.pk]),
        {"positions": "1", "q1": r1.choices[0]["key"]},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    r1.refresh_from_db()
    assert r1.selected == [r1.choices[0]["key"]]


def test_unticking_every_box_clears_a_multiple_choice_answer(candidate_client):
    exam = make_exam(questions=1, kind="multiple")
    attempt = _start(candidate_client, exam)
    r = attempt.responses.get()
    url = reverse("exams:answer", args=[attempt.pk])
    candidate_client.post(url, {"positions": "0", "q0": r.correct_keys})
    r.refresh_from_db()
    assert sorted(r.selected) == sorted(r.correct_keys)
    candidate_client.post(url, {"positions": "0"})
    r.refresh_from_db()
    assert r.selected == []


def test_bad_answer_is_a_400_with_a_message(candidate_client):
    exam = make_exam(questions=1)
    attempt = _start(candidate_client, exam)
    url = reverse("exams:answer", args=[attempt.pk])
    response = candidate_client.post(url, {"positions": "0", "q0": "forged"})
    assert response.status_code == 400
    assert "not part of this question" in response.content.decode() or "选项" in (
        response.content.decode()
    )
    assert candidate_client.post(url, {"positions": "9", "q9": "x"}).status_code == 400
    assert candidate_client.post(url, {"positions": "x"}).status_code == 400


def test_resume_from_another_browser_keeps_the_answers(candidate, candidate_client):
    exam = make_exam(questions=2, layout=Exam.Layout.ALL)
    attempt = _start(candidate_client, exam)
    r0 = attempt.responses.get(position=0)
    key = r0.choices[1]["key"]
    candidate_client.post(reverse("exams:answer", args=[attempt.pk]), {"positions": "0", "q0": key})
    elsewhere = Client()
    elsewhere.force_login(candidate)
    response = elsewhere.post(reverse("exams:start", args=[exam.slug]))
    assert response["Location"] == reverse("exams:attempt", args=[attempt.pk])
    html = elsewhere.get(response["Location"]).content.decode()
    assert f'value="{key}" checked' in html
    assert Attempt.objects.filter(exam=exam).count() == 1


def test_another_candidates_attempt_is_404(candidate_client):
    exam = make_exam(questions=1)
    attempt = _start(candidate_client, exam)
    other = Client()
    other.force_login(UserFactory())
    for name in ("attempt", "submit", "result"):
        assert other.get(reverse(f"exams:{name}", args=[attempt.pk])).status_code == 404
    r = attempt.responses.get()
    answer = {"positions": "0", "q0": r.choices[0]["key"]}
    assert other.post(reverse("exams:answer", args=[attempt.pk]), answer).status_code == 404
    assert other.post(reverse("exams:submit", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == "in_progress"
    assert attempt.responses.get().selected == []


def test_countdown_reflects_the_server_deadline(candidate_client):
    exam = make_exam(questions=1, time_limit_minutes=30)
    with time_machine.travel(NOW, tick=False):
        attempt = _start(candidate_client, exam)
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        html = candidate_client.get(reverse("exams:attempt", args=[attempt.pk])).content.decode()
    assert 'data-seconds="1200"' in html and "<strong data-exam-timer-value" in html
    assert "20:00</strong>" in html  # readable without the script too


def test_answer_after_deadline_is_refused_with_409(candidate_client):
    exam = make_exam(questions=1, time_limit_minutes=30)
    with time_machine.travel(NOW, tick=False):
        attempt = _start(candidate_client, exam)
    r = attempt.responses.get()
    url = reverse("exams:answer", args=[attempt.pk])
    with time_machine.travel(NOW + timedelta(minutes=31), tick=False):
        response = candidate_client.post(url, {"positions": "0", "q0": r.correct_keys[0]})
        assert response.status_code == 409
        assert "deadline" in response.content.decode() or "截止" in response.content.decode()
        late_json = candidate_client.post(
            url, {"positions": "0", "q0": r.correct_keys[0]}, headers={"X-Requested-With": "fetch"}
        )
    assert late_json.status_code == 409 and late_json.json()["saved"] is False
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.score == 0


def test_opening_an_expired_attempt_submits_it(candidate_client):
    exam = make_exam(questions=1, time_limit_minutes=5)
    with time_machine.travel(NOW, tick=False):
        attempt = _start(candidate_client, exam)
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        response = candidate_client.get(reverse("exams:attempt", args=[attempt.pk]))
    assert response["Location"] == reverse("exams:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.auto_submitted


def test_submit_twice_over_http_grades_once(candidate_client):
    exam = make_exam(questions=2)
    attempt = _start(candidate_client, exam)
    url = reverse("exams:submit", args=[attempt.pk])
    assert candidate_client.get(url).status_code == 200
    with time_machine.travel(NOW, tick=False):
        first = candidate_client.post(url)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        second = candidate_client.post(url)
    assert first["Location"] == second["Location"] == reverse("exams:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.graded_at == NOW


def _finished_attempt(client, **exam_fields):
    exam = make_exam(questions=2, **exam_fields)
    attempt = _start(client, exam)
    r0 = attempt.responses.get(position=0)
    services.save_answers(attempt.pk, attempt.user, {0: r0.correct_keys[0]})
    services.submit(attempt.pk)
    return exam, attempt


def test_review_score_only(candidate_client):
    exam, attempt = _finished_attempt(candidate_client, review_after_submit=Review.SCORE)
    html = candidate_client.get(reverse("exams:result", args=[attempt.pk])).content.decode()
    assert "50.00%" in html
    assert attempt.responses.get(position=0).text not in html


def test_review_answers_without_correct_ones(candidate_client):
    exam, attempt = _finished_attempt(candidate_client, review_after_submit=Review.ANSWERS)
    html = candidate_client.get(reverse("exams:result", args=[attempt.pk])).content.decode()
    assert attempt.responses.get(position=0).text in html
    assert "is-correct" not in html and "解析" not in html


def test_review_full_and_after_close(candidate_client):
    exam, attempt = _finished_attempt(
        candidate_client,
        review_after_submit=Review.SCORE,
        review_after_close=Review.FULL,
        closes_at=timezone.now() + timedelta(days=1),
    )
    url = reverse("exams:result", args=[attempt.pk])
    assert "解析" not in candidate_client.get(url).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        html = candidate_client.get(url).content.decode()
    assert "is-correct" in html and "解析" in html


def test_result_of_an_attempt_in_progress_goes_back_to_the_questions(candidate_client):
    exam = make_exam(questions=1)
    attempt = _start(candidate_client, exam)
    response = candidate_client.get(reverse("exams:result", args=[attempt.pk]))
    assert response["Location"] == reverse("exams:attempt", args=[attempt.pk])


def test_my_academy_lists_my_exam_attempts(candidate_client):
    exam = make_exam(questions=1)
    attempt = _start(candidate_client, exam)
    html = candidate_client.get(reverse("my_academy")).content.decode()
    assert exam.title in html and reverse("exams:attempt", args=[attempt.pk]) in html


def test_beat_schedule_closes_abandoned_attempts_every_minute():
    from academy.celery import app
    from certification import tasks  # noqa: F401  (registers the schedule)

    entry = app.conf.beat_schedule["certification-close-abandoned-attempts"]
    assert entry["task"] == "certification.tasks.close_abandoned_attempts"


def test_countdown_reaching_zero_lands_on_the_result(candidate_client):
    """The page's script goes to the result at zero: it closes the attempt there and then,
    without sending the candidate back to the questions while the posts' grace runs."""
    exam = make_exam(questions=1, time_limit_minutes=30)
    with time_machine.travel(NOW, tick=False):
        attempt = _start(candidate_client, exam)
    with time_machine.travel(NOW + timedelta(minutes=30, seconds=1), tick=False):
        response = candidate_client.get(reverse("exams:result", args=[attempt.pk]))
    assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.auto_submitted


def test_my_academy_offers_lecturers_the_open_exams(client):
    from tests.factories import LecturerProfileFactory

    exam = make_exam(questions=1)
    lecturer = LecturerProfileFactory().user
    client.force_login(lecturer)
    html = client.get(reverse("my_academy")).content.decode()
    assert reverse("exams:detail", args=[exam.slug]) in html
    client.force_login(UserFactory())
    assert (
        reverse("exams:detail", args=[exam.slug])
        not in client.get(reverse("my_academy")).content.decode()
    )


# --- Aids: flag for review, the summary grid, a timer in view, feedback per topic -------------


def test_flag_for_review_is_saved_with_the_answer_and_cleared_when_unticked(candidate_client):
    exam = make_exam(questions=3)
    attempt = _start(candidate_client, exam)
    url = reverse("exams:answer", args=[attempt.pk])
    r1 = attempt.responses.get(position=1)
    candidate_client.post(url, {"positions": "1", "q1": r1.choices[0]["key"], "flag1": "1"})
    r1.refresh_from_db()
    assert r1.flagged and r1.selected == [r1.choices[0]["key"]]
    # The autosave posts the same fields: a flag box left unticked unflags the question.
    candidate_client.post(
        url, {"positions": "1", "q1": r1.choices[0]["key"]}, headers={"X-Requested-With": "fetch"}
    )
    r1.refresh_from_db()
    assert not r1.flagged
    # Flagging a question not yet answered keeps it unanswered.
    candidate_client.post(url, {"positions": "2", "flag2": "1"})
    r2 = attempt.responses.get(position=2)
    assert r2.flagged and not r2.answered


def test_the_attempt_page_shows_flags_and_the_summary_grid_before_submitting(candidate_client):
    exam = make_exam(questions=3, layout="one")
    attempt = _start(candidate_client, exam)
    r0 = attempt.responses.get(position=0)
    services.save_answers(attempt.pk, attempt.user, {0: r0.choices[0]["key"]}, flagged={0})
    services.save_answers(attempt.pk, attempt.user, {2: []}, flagged={2})

    page = candidate_client.get(reverse("exams:attempt", args=[attempt.pk]) + "?q=1")
    html = page.content.decode()
    assert 'name="flag0" value="1" checked' in html
    assert html.count("is-flagged") == 2  # in the question navigation

    summary = candidate_client.get(reverse("exams:submit", args=[attempt.pk]))
    html = summary.content.decode()
    assert [r.number for r in summary.context["flagged"]] == [1, 3]
    assert [r.number for r in summary.context["unanswered"]] == [2, 3]
    grid = html[html.index('<ol class="exam-summary"') :]
    grid = grid[: grid.index("</ol>")]
    assert grid.count("<li>") == 3
    assert grid.count("exam-summary-item is-answered is-flagged") == 1  # question 1
    assert grid.count("exam-summary-item is-flagged") == 1  # question 3: flagged, unanswered
    assert f"{reverse('exams:attempt', args=[attempt.pk])}?q=2" in grid


def test_flags_play_no_part_in_grading(candidate):
    exam = make_exam(questions=2)
    attempt, _ = services.start(candidate, exam)
    answers = {r.position: r.correct_keys[0] for r in attempt.responses.all()}
    services.save_answers(attempt.pk, candidate, answers, flagged={0, 1})
    assert services.submit(attempt.pk).score == Decimal("100.00")


def test_the_timer_stays_in_view_and_reads_without_script(candidate_client):
    exam = make_exam(questions=1, time_limit_minutes=30)
    attempt = _start(candidate_client, exam)
    html = candidate_client.get(reverse("exams:attempt", args=[attempt.pk])).content.decode()
    bar = html[html.index('<div class="exam-bar">') :]
    assert bar.index("data-exam-timer") < bar.index("</div>")  # the timer is in the sticky bar
    assert "30:00</strong>" in bar or "29:59</strong>" in bar
    from django.contrib.staticfiles import finders

    with open(finders.find("certification/css/exams.css"), encoding="utf-8") as file:
        css = file.read()
    assert ".exam-bar { position: sticky; top: 0;" in css


@pytest.fixture
def topic_exam():
    """Four questions: two on 支付 and two on 物流, one point each, pass mark 80 %."""
    bank = QuestionBankFactory()
    add_questions(bank, 2, topic="支付")
    add_questions(bank, 2, topic="物流")
    return make_exam(questions=0, bank=bank, draw=4, pass_mark=80, review_after_submit=Review.SCORE)


def test_topic_results_rank_the_weakest_topic_first(candidate, topic_exam):
    attempt, _ = services.start(candidate, topic_exam)
    answers = {}
    for r in attempt.responses.select_related("question"):
        right = r.question.topic == "支付"
        answers[r.position] = (
            r.correct_keys[0]
            if right
            else next(c["key"] for c in r.choices if c["key"] not in r.correct_keys)
        )
    services.save_answers(attempt.pk, candidate, answers)
    attempt = services.submit(attempt.pk)
    results = services.topic_results(attempt)
    assert [(t.topic, t.questions, t.percent, t.weak) for t in results] == [
        ("物流", 2, Decimal("0.00"), True),
        ("支付", 2, Decimal("100.00"), False),
    ]


def test_the_result_page_gives_topic_feedback_without_the_key(candidate_client, topic_exam):
    attempt = _start(candidate_client, topic_exam)
    services.submit(attempt.pk)
    html = candidate_client.get(reverse("exams:result", args=[attempt.pk])).content.decode()
    assert "exam-topics-table" in html and "支付" in html and "物流" in html
    # Score-only review: the topic table names no question and no answer.
    for r in attempt.responses.all():
        assert r.text not in html
        assert all(c["text"] not in html for c in r.choices if len(c["text"]) > 2)
    assert "is-correct" not in html


def test_no_topic_table_for_an_attempt_in_progress(candidate, topic_exam):
    attempt, _ = services.start(candidate, topic_exam)
    assert services.topic_results(attempt) == []
