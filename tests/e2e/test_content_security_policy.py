"""The content security policy in a real browser: the main public pages, a member's and a
lecturer's pages, the door scanner and the Wagtail page editor raise no `securitypolicyviolation`
event, and Chromium reports no malformed CSP or Permissions-Policy header."""

import re

import pytest
from playwright.sync_api import Page, expect

from certification.models import Attempt, Certificate, Response
from courses.models import CaseStudyPage, CoursePage, LessonPage
from events.models import EventPage
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.e2e

# Runs in every document and frame before the page's own scripts. Violations are pushed to
# window.__cspViolations and, through an exposed function, straight to the test, so none is lost
# when the page navigates away.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const violation = {
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
  };
  window.__cspViolations.push(violation);
  if (window.__reportCspViolation) window.__reportCspViolation(violation);
});
"""
HEADER_PROBLEM = re.compile(r"Content.Security.Policy|Permissions.Policy", re.IGNORECASE)


class PolicyWatch:
    """Collects every violation and every console complaint about the security headers."""

    def __init__(self, page: Page):
        self.page = page
        self.violations: list[dict] = []
        self.console: list[str] = []
        page.expose_function("__reportCspViolation", lambda v: self.violations.append(v))
        page.add_init_script(RECORD_VIOLATIONS)
        page.on(
            "console",
            lambda message: (
                self.console.append(message.text) if HEADER_PROBLEM.search(message.text) else None
            ),
        )

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status < 400, (
            f"{url}: {response and response.status}"
        )
        assert response.headers.get("content-security-policy"), f"{url} has no policy"
        self.settle()

    def settle(self) -> None:
        # Violation events are dispatched as tasks after the offending load: let them arrive.
        self.page.wait_for_load_state("networkidle")
        for frame in self.page.frames:
            try:
                recorded = frame.evaluate("window.__cspViolations || []")
            except Exception:  # a frame that navigated or was detached meanwhile
                continue
            self.violations.extend(v for v in recorded if v not in self.violations)

    def problems(self) -> list:
        unique = []
        for violation in self.violations:
            if violation not in unique:
                unique.append(violation)
        return unique + self.console


def test_public_and_member_pages_raise_no_csp_violation(page: Page, demo_academy):
    base = demo_academy
    watch = PolicyWatch(page)
    course = CoursePage.objects.live().first()
    lesson = LessonPage.objects.live().first()
    case = CaseStudyPage.objects.live().first()
    event = EventPage.objects.live().first()
    certificate = Certificate.objects.filter(status=Certificate.Status.VALID).first()
    assert course and lesson and case and event and certificate, "the demo content changed"

    for path in [
        "/",
        "/courses/",
        course.url,
        lesson.url,
        "/cases/",
        case.url,
        "/events/",
        event.url,
        "/search/?query=餐饮",
        "/lecturers/",
        "/verify/",
        f"/verify/{certificate.serial}/",
        "/accounts/login/",
        "/accounts/signup/",
    ]:
        watch.visit(base + path)
    assert watch.problems() == []

    # A member: My academy, a lesson as an enrolled reader would see it, the diagnosis.
    log_in(page, base, "owner@example.com")
    watch.settle()
    for path in ["/en/my-academy/", "/en/diagnosis/", lesson.url]:
        watch.visit(base + path)
    page.goto(base + "/en/diagnosis/")
    page.get_by_role("button", name=re.compile("Take the diagnosis")).click()
    expect(page.locator(".gr-steps [aria-current='step']")).to_be_visible()
    watch.settle()
    assert watch.problems() == []

    # A lecturer's exam attempt: the answers autosave in the background (fetch).
    page.context.clear_cookies()
    log_in(page, base, "lecturer@example.com")
    page.goto(base + "/en/exams/")
    page.locator("main a[href*='/exams/']").filter(has_text="认证讲师笔试").first.click()
    page.get_by_role("button", name="Start the exam").click()
    attempt = Attempt.objects.get(user__email="lecturer@example.com", state="in_progress")
    response = Response.objects.get(attempt=attempt, position=0)
    question = page.locator('[data-question="0"]')
    question.locator(f'input[value="{response.correct_keys[0]}"]').check()
    expect(question.locator("[data-saved-status]")).to_have_text("Saved")
    watch.settle()
    assert watch.problems() == []


def test_door_scanner_may_use_the_camera_and_other_pages_may_not(page: Page, demo_academy):
    base = demo_academy
    watch = PolicyWatch(page)
    event = EventPage.objects.live().first()
    log_in(page, base, "events@example.com")

    watch.visit(base + event.url)
    assert page.evaluate("document.featurePolicy.allowsFeature('camera')") is False
    watch.visit(base + event.url + "check-in/")
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("document.featurePolicy.allowsFeature('camera')") is True
    assert page.evaluate("document.featurePolicy.allowsFeature('geolocation')") is False
    assert watch.problems() == []


def test_wagtail_page_editor_raises_no_csp_violation(page: Page, demo_academy):
    base = demo_academy
    watch = PolicyWatch(page)
    lesson = LessonPage.objects.live().first()
    event = EventPage.objects.live().first()
    log_in(page, base, "admin@example.com")

    for path in ["/admin/", "/admin/pages/", "/admin/images/", "/admin/academy-reports/providers/"]:
        watch.visit(base + path)

    # The StreamField editor: open the block chooser and add a callout block.
    watch.visit(base + f"/admin/pages/{lesson.pk}/edit/")
    body = page.locator("[data-contentpath='body']")
    body.locator("button[title='Insert a block']").first.click()
    page.locator("[role='option']").filter(has_text=re.compile("Callout|提示框")).first.click()
    expect(body.locator("[data-contentpath='title']").first).to_be_visible()
    # The live preview frames the page inside the admin.
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe.w-preview__iframe").first
    expect(preview.locator("h1")).to_contain_text(lesson.title)
    watch.settle()

    # An event page: date and time pickers, inline panels.
    watch.visit(base + f"/admin/pages/{event.pk}/edit/")
    assert watch.problems() == []
