"""Junk in the exam forms is a 4xx with a message, never a 500, and changes nothing: answer posts
with huge or non-ASCII numbers, page numbers, and the officers' question and grading forms."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from academy import roles
from certification.models import Attempt, Question
from tests.certification.factories_exams import QuestionBankFactory, make_exam
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HUGE = [str(10**30), str(2**63), str(2**31), "9" * 5000]
# A NUL never reaches these views: academy.middleware refuses it first (tests/academy/test_bad_input.py).
NOT_NUMBERS = ["²", "١", "１", "-1", "+1", " 1", "1.0", "0x1", "", "𠮷"]


@pytest.fixture
def candidate_client():
    client = Client()
    client.force_login(UserFactory())
    return client


def _attempt(client) -> Attempt:
    exam = make_exam(questions=2)
    assert client.post(reverse("exams:start", args=[exam.slug])).status_code == 302
    return Attempt.objects.get(exam=exam)


def _saved(attempt) -> list:
    return list(attempt.responses.order_by("position").values_list("selected", "answered_at"))


@pytest.mark.parametrize("junk", HUGE + NOT_NUMBERS)
def test_answer_post_with_junk_positions_is_a_400(candidate_client, junk):
    attempt = _attempt(candidate_client)
    before = _saved(attempt)
    url = reverse("exams:answer", args=[attempt.pk])
    response = candidate_client.post(url, {"positions": junk, "q0": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "not part of this attempt" in body or "不属于" in body
    fetch = candidate_client.post(url, {"positions": junk}, headers={"X-Requested-With": "fetch"})
    assert fetch.status_code == 400 and fetch.json()["saved"] is False
    assert _saved(attempt) == before


@pytest.mark.parametrize("junk", [*HUGE, "²", "١", "１", "-1", "next"])
def test_answer_post_with_a_junk_destination_is_a_400_and_saves_nothing(candidate_client, junk):
    attempt = _attempt(candidate_client)
    r0 = attempt.responses.get(position=0)
    url = reverse("exams:answer", args=[attempt.pk])
    response = candidate_client.post(
        url, {"positions": "0", "q0": r0.choices[0]["key"], "go": junk}
    )
    assert response.status_code == 400
    r0.refresh_from_db()
    assert r0.selected == []


@pytest.mark.parametrize("junk", [*HUGE, "²", "-3", "abc"])
def test_attempt_page_with_a_junk_page_number_shows_the_first(candidate_client, junk):
    attempt = _attempt(candidate_client)
    response = candidate_client.get(reverse("exams:attempt", args=[attempt.pk]), {"q": junk})
    assert response.status_code == 200


def test_huge_ids_in_exam_urls_are_404(candidate_client):
    for name in ("exams:attempt", "exams:submit", "exams:result"):
        assert candidate_client.get(reverse(name, args=[10**30])).status_code == 404
    assert candidate_client.post(reverse("exams:answer", args=[2**63])).status_code == 404


@pytest.fixture
def officer_client():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.CERTIFICATION_OFFICERS))
    client = Client()
    client.force_login(user)
    return client


def test_question_form_with_junk_ids_is_a_form_error(officer_client):
    bank = QuestionBankFactory()
    form = {
        "bank": str(10**30),
        "kind": "single",
        "text": "微信支付的商户号由谁申请？",
        "difficulty": "²",
        "points": "NaN",
        "scoring": "all",
        "status": "active",
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        "choices-0-id": str(2**63),
        "choices-0-text": "服务商",
        "choices-0-ORDER": "1",
        "choices-1-text": "商家主体",
        "choices-1-is_correct": "on",
        "choices-1-ORDER": "²",
    }
    response = officer_client.post(reverse("exam_questions:add"), form)
    assert response.status_code in (200, 400)
    assert not Question.objects.exists()
    response = officer_client.post(reverse("exam_questions:add"), {**form, "bank": bank.pk})
    assert response.status_code in (200, 400)
    assert not Question.objects.exists()


@pytest.mark.parametrize("junk", ["NaN", "sNaN", "Infinity", "1e999999", "0.001", "²", "x"])
def test_grading_with_junk_points_is_a_400(officer_client, junk):
    exam = make_exam(questions=1, kind="short")
    candidate = Client()
    candidate.force_login(UserFactory())
    attempt = _attempt_for(candidate, exam)
    response = attempt.responses.get()
    assert response.points_awarded is None  # waiting for an officer
    reply = officer_client.post(reverse("exams_admin:grade", args=[response.pk]), {"points": junk})
    assert reply.status_code == 400
    response.refresh_from_db()
    assert response.points_awarded is None
    assert officer_client.get(reverse("exams_admin:grade", args=[10**30])).status_code == 404


def _attempt_for(client, exam) -> Attempt:
    assert client.post(reverse("exams:start", args=[exam.slug])).status_code == 302
    attempt = Attempt.objects.get(exam=exam)
    answer = {"positions": "0", "q0": "分账适用于平台与商家分成的场景。"}
    assert client.post(reverse("exams:answer", args=[attempt.pk]), answer).status_code == 302
    assert client.post(reverse("exams:submit", args=[attempt.pk])).status_code == 302
    return attempt
