"""What every browser test does: log a demo user in, ask axe-core for serious problems."""

import re
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error, Page, expect

DEMO_PASSWORD = "Academy#2026"


def serious_axe_problems(page: Page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']}: {v['help']} — {v['nodes'][0]['target'][0]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/en/accounts/login/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/en/my-academy/$"))


def wait_until(page: Page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression from Python until it is truthy.

    Not `page.wait_for_function`: its polling builds the predicate inside the page with eval,
    which the site's Content-Security-Policy (no 'unsafe-eval') refuses whenever the predicate is
    not already true at the first try. `page.evaluate` goes through the DevTools protocol, which
    the policy does not govern."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            if page.evaluate(expression):
                return
        except Error as error:  # the page may be navigating between two polls
            last_error = error
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression} ({last_error})")
        time.sleep(0.05)
