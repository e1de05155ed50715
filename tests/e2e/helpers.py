"""What every browser test does: log a demo user in, ask axe-core for serious problems."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

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
