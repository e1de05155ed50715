"""Questions under a lesson in a real browser, at phone and desktop widths: the demo member asks,
the demo lecturer finds it on the teaching desk and answers, the member accepts the answer and
is e-mailed once. axe finds no serious problem on the pages the form lives on."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from academy.models import OutgoingMail
from courses.models import Answer, Question
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/wt/shots")
LESSON = "/en/courses/mini-program-ecommerce-basics/products-orders-fulfilment/"
ANSWERED_LESSON = "/en/courses/mini-program-ecommerce-basics/why-mini-program-commerce/"
TITLE = "订单履约用同城配送还是自己配送？"


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shoot(page: Page, name: str, width: int, locator=None) -> None:
    if SHOTS.is_dir():
        target = locator if locator is not None else page
        target.screenshot(path=str(SHOTS / f"qa-{name}-{width}.png"))


@pytest.mark.parametrize("width", [390, 1280])
def test_ask_answer_accept_with_the_keyboard_free_of_axe_problems(
    page: Page, browser, demo_academy, width
):
    base = demo_academy
    page.set_viewport_size({"width": width, "height": 900})

    # The demo's answered question, readable by anyone, with its accepted lecturer answer.
    page.goto(base + ANSWERED_LESSON + "#questions")
    section = page.locator("#questions")
    expect(section.locator(".qa-answer.is-accepted")).to_contain_text("陈思远")
    expect(section).to_contain_text("Accepted answer")
    expect(section).to_contain_text("Log in to ask a question")
    assert serious_axe_problems(page) == []
    shoot(page, "read-anonymous", width, section)

    # The member asks; a too-short question is refused with the form's message first.
    log_in(page, base, "member@example.com")
    page.goto(base + LESSON)
    form = page.locator("form.qa-ask")
    form.get_by_label("Your question").fill("配送")
    form.get_by_label("Details").fill("太短")
    form.get_by_role("button", name="Post question").click()
    expect(page.locator(".qa-ask .errorlist").first).to_be_visible()
    assert serious_axe_problems(page) == []
    shoot(page, "ask-errors", width, page.locator("#questions"))

    form = page.locator("form.qa-ask")
    form.get_by_label("Your question").fill(TITLE)
    details = form.get_by_label("Details")
    details.fill("商家在杭州有三家门店，订单量不大，想知道小程序里应该接同城配送还是让门店自己送。")
    details.press("Tab")
    page.keyboard.press("Enter")  # the submit button, reached with the keyboard
    expect(page).to_have_url(re.compile(r"#question-\d+$"))
    expect(page.locator(".qa-list")).to_contain_text(TITLE)
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shoot(page, "asked", width, page.locator("#questions"))
    question = Question.objects.get(title=TITLE)

    # The lecturer finds it on the desk and answers.
    lecturer = browser.new_page(viewport={"width": width, "height": 900})
    log_in(lecturer, base, "lecturer@example.com")
    desk = lecturer.locator(".qa-desk")
    expect(desk).to_contain_text(TITLE)
    assert serious_axe_problems(lecturer) == []
    shoot(lecturer, "desk", width, desk)
    desk.get_by_role("link", name=TITLE).click()
    item = lecturer.locator(f"#question-{question.pk}")
    item.locator("summary", has_text="Answer this question").click()
    item.get_by_label("Your answer").fill(
        "订单少时先让门店自己配送，用小程序的同城配送插件做预约时段；日单量过百再接第三方。"
    )
    assert serious_axe_problems(lecturer) == []
    shoot(lecturer, "answer-form", width, item)
    item.get_by_role("button", name="Post answer").click()
    expect(lecturer.locator(f"#question-{question.pk} .qa-answer")).to_contain_text("同城配送")
    lecturer.close()

    # The member accepts it; the asker was e-mailed once.
    page.goto(base + LESSON)  # a full load: the page still shows the asked question's anchor
    item = page.locator(f"#question-{question.pk}")
    item.get_by_role("button", name="Accept this answer").click()
    expect(page.locator(f"#question-{question.pk} .qa-answer.is-accepted")).to_be_visible()
    assert serious_axe_problems(page) == []
    shoot(page, "accepted", width, page.locator(f"#question-{question.pk}"))
    assert Answer.objects.get(question=question).is_accepted
    assert OutgoingMail.objects.filter(key=f"courses:question:{question.pk}:answered").count() == 1
