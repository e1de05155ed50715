"""Learning in a real browser: a member enrols, completes a whole course, and sees it completed."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from academy.localisation import originals
from academy.models import HomePage
from courses import demo

pytestmark = pytest.mark.e2e

# The course the member completes here, its lessons and their answer keys as the demo has them.
PAYMENTS_ONBOARDING = demo.course("wechat-pay-merchant-onboarding")

MEMBER_EMAIL = "member@example.com"
DEMO_PASSWORD = "Academy#2026"
SERIOUS = {"serious", "critical"}


@pytest.fixture
def academy(demo_academy):
    """The demo academy with its courses and cases (seed_demo may already have added them)."""
    demo.seed(originals(HomePage.objects).get())
    return demo_academy


def log_in(page: Page, base: str) -> None:
    page.goto(base + "/en/accounts/login/")
    page.get_by_label("Email", exact=True).fill(MEMBER_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(base + "/en/my-academy/")


def axe_problems(page: Page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in violations
        if v["impact"] in SERIOUS
    ]


def answer_correctly(page: Page, check: dict) -> None:
    for question in check["questions"]:
        fieldset = page.locator("fieldset.check-question", has_text=question["prompt"])
        for option in question["options"]:
            if option["correct"]:
                fieldset.get_by_label(option["text"], exact=True).check()
    page.get_by_role("button", name="Check my answers").click()


def test_member_enrols_completes_every_lesson_and_sees_it_on_my_academy(page: Page, academy):
    log_in(page, academy)
    page.goto(academy + "/en/courses/")
    page.get_by_role("link", name=PAYMENTS_ONBOARDING["title"]).click()
    expect(page.locator("h1")).to_have_text(PAYMENTS_ONBOARDING["title"])

    page.get_by_role("button", name="Enrol for free").click()
    expect(page.locator(".messages")).to_contain_text("You are enrolled in")

    lessons = PAYMENTS_ONBOARDING["lessons"]
    for number, lesson in enumerate(lessons, start=1):
        expect(page.locator("h1")).to_have_text(lesson["title"])
        expect(page.locator(".lesson-kicker")).to_contain_text(f"Lesson {number} of {len(lessons)}")
        check = next((b["value"] for b in lesson["body"] if b["type"] == "knowledge_check"), None)
        if check is None:
            page.get_by_role("button", name="Mark as complete").click()
        else:
            expect(page.get_by_role("button", name="Mark as complete")).to_have_count(0)
            answer_correctly(page, check)

    # The last lesson completed the course: its page says so, with the progress bar full.
    expect(page.locator(".messages")).to_contain_text("Congratulations! You have completed")
    expect(page.get_by_role("heading", name="Course completed")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Course progress")).to_have_attribute(
        "value", "100"
    )

    page.goto(academy + "/en/my-academy/")
    learning = page.get_by_role("region", name="Learning")
    done = learning.locator(".my-course.is-complete", has_text=PAYMENTS_ONBOARDING["title"])
    expect(done).to_contain_text("Completed on")
    # The demo member's half-finished course is still in progress, with its resume link.
    expect(learning.locator(".my-course:not(.is-complete)")).to_contain_text("Continue:")


def test_a_wrong_answer_keeps_the_lesson_open(page: Page, academy):
    log_in(page, academy)
    course = PAYMENTS_ONBOARDING
    page.goto(f"{academy}/en/courses/{course['slug']}/")
    page.get_by_role("button", name="Enrol for free").click()
    page.goto(f"{academy}/en/courses/{course['slug']}/{course['lessons'][-1]['slug']}/")
    page.locator("fieldset.check-question").first.get_by_role("radio").first.check()
    for fieldset in page.locator("fieldset.check-question").all()[1:]:
        fieldset.locator("input").first.check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.locator(".messages")).to_contain_text("questions correctly")
    expect(page.locator(".check-summary")).to_contain_text("Not passed yet")
    expect(page.locator(".is-correct")).to_have_count(0)  # the key stays hidden


LEARNING_PAGES = [
    "/en/courses/",
    "/en/courses/?product=payments",
    "/en/courses/mini-program-ecommerce-basics/",
    "/en/courses/mini-program-ecommerce-basics/review-and-launch/",
    "/en/courses/wecom-customer-operations/",
    "/en/courses/paths/payments-and-customer-operations/",
    "/en/cases/",
    "/en/cases/?industry=catering",
    "/zh-hant/cases/hk-cafe-qr-ordering/",
    "/en/my-academy/",
]


def test_learning_pages_have_no_serious_accessibility_problems(page: Page, academy):
    log_in(page, academy)
    problems = {}
    for path in LEARNING_PAGES:
        page.goto(academy + path)
        expect(page.locator("h1")).to_have_count(1)
        if found := axe_problems(page):
            problems[path] = found
    assert problems == {}


def test_catalogue_filters_work_without_javascript(browser, academy):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(academy + "/en/courses/")
    page.get_by_label("Product").select_option("payments")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(academy + "/en/courses/?product=payments&stage=&level=&language=")
    expect(page.locator(".course-card")).to_have_count(1)
    expect(page.locator(".course-card")).to_contain_text(PAYMENTS_ONBOARDING["title"])
    context.close()
