"""The demo lecturer takes the certification exam in a real browser: answers autosave, the page is
closed half-way, the attempt resumes with every answer kept, then it is submitted and passed."""

import re

import pytest
from playwright.sync_api import Page, expect

from certification.models import Attempt, Response
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e

# Stored in Traditional; /en/ marks it lang="zh-Hans", so it reads in Simplified there.
EXAM_TITLE = "认证讲师笔试 · 小程序电商"


def answer_current_question(page: Page, attempt: Attempt, number: int) -> None:
    """Tick the right choices of question `number` (the test reads them from the database)."""
    response = Response.objects.get(attempt=attempt, position=number - 1)
    question = page.locator(f'[data-question="{response.position}"]')
    for key in response.correct_keys:
        question.locator(f'input[value="{key}"]').check()
    # The background save confirms each answer before the page moves on.
    expect(question.locator("[data-saved-status]")).to_have_text("Saved")


def test_lecturer_takes_the_exam_resumes_and_passes(page: Page, demo_academy):
    base = demo_academy
    log_in(page, base, "lecturer@example.com")

    page.goto(base + "/en/exams/")
    assert serious_axe_problems(page) == []
    page.get_by_role("link", name=EXAM_TITLE).click()
    expect(page.locator("h1")).to_have_text(EXAM_TITLE)
    assert serious_axe_problems(page) == []
    page.get_by_role("button", name="Start the exam").click()

    attempt = Attempt.objects.get(user__email="lecturer@example.com", state="in_progress")
    assert attempt.responses.count() == 20
    expect(page.locator("[data-exam-timer]")).to_contain_text(re.compile(r"(29|30):\d\d"))
    assert serious_axe_problems(page) == []
    html = page.content()
    assert not any(r.explanation and r.explanation in html for r in attempt.responses.all()), (
        "explanations must not reach the page before review"
    )

    for number in range(1, 11):
        answer_current_question(page, attempt, number)
        page.get_by_role("button", name="Save and next").click()
        expect(page).to_have_url(re.compile(rf"\?q={number + 1}$"))

    # The lecturer closes the page half-way and comes back later.
    page.close()
    page = page.context.new_page()
    page.goto(base + "/en/exams/")
    page.get_by_role("link", name=EXAM_TITLE).click()
    page.get_by_role("button", name="Continue my attempt").click()
    expect(page.locator(".message-list")).to_contain_text("carry on where you left off")
    expect(page.locator(".exam-progress")).to_contain_text("10 of 20 answered")
    page.goto(base + f"/en/exams/attempts/{attempt.pk}/?q=1")
    first = Response.objects.get(attempt=attempt, position=0)
    expect(page.locator(f'input[value="{first.correct_keys[0]}"]')).to_be_checked()

    for number in range(11, 21):
        page.goto(base + f"/en/exams/attempts/{attempt.pk}/?q={number}")
        answer_current_question(page, attempt, number)
    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.locator("h1")).to_have_text("Submit your attempt")
    expect(page.locator("main")).to_contain_text("All 20 questions are answered.")
    assert serious_axe_problems(page) == []
    page.get_by_role("button", name="Submit and finish").click()

    expect(page.locator(".exam-score")).to_contain_text("100.00%")
    expect(page.locator(".exam-score")).to_contain_text("Passed")
    assert serious_axe_problems(page) == []
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.passed and attempt.submitted_at
