"""The provider admin's team page and the member's assignments in a real browser, at phone and
desktop widths: no horizontal scroll, no serious axe problem, an assignment made on the team page
showing on the member's My academy, remove with its confirmation and undo, the join link."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from academy.models import Membership
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/wt/shots")


def assert_fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_axe_problems(page) == []


def shot(page: Page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_team_page_fits_and_an_assignment_reaches_the_member(page: Page, demo_academy, width):
    base = demo_academy
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, base, "owner@example.com")
    page.goto(base + "/en/my-academy/team/")
    expect(page.locator("h1")).to_have_text("Team")
    members = page.locator(".gr-member")
    assert members.count() >= 5
    # Partial progress per course: "n/m lessons" beside a progress bar.
    expect(page.locator(".gr-members")).to_contain_text(re.compile(r"\d+/\d+ lessons"))
    expect(page.locator("#overdue-title")).to_be_visible()  # the demo's overdue assignment
    assert_fits(page, width)

    form = page.locator(".gr-assign-form")
    form.get_by_label("Course or learning path").select_option(index=2)
    form.get_by_label("Assign to").select_option(label="李娜")
    form.get_by_label("Due date").fill("2099-12-31")
    form.get_by_role("button", name="Assign").click()
    expect(page.locator(".messages")).to_contain_text("due on 2099-12-31")

    page.get_by_role("button", name=re.compile("Make a new link|Make a join link")).click()
    link = page.locator("#join-link-url")
    expect(link).to_have_value(re.compile(r"/join/[\w-]+/$"))
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    page.reload()
    assert_fits(page, width)
    shot(page, f"team-page-{width}.png")

    page.context.clear_cookies()
    log_in(page, base, "member@example.com")
    section = page.locator("section#assignments")
    expect(section.get_by_role("heading", name=re.compile("Assigned to you"))).to_be_visible()
    expect(section).to_contain_text("2099-12-31")
    expect(section).to_contain_text("overdue")
    assert_fits(page, width)
    shot(page, f"team-my-academy-{width}.png")


def test_remove_asks_first_and_can_be_undone(page: Page, demo_academy):
    base = demo_academy
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, base, "owner@example.com")
    page.goto(base + "/en/my-academy/team/")
    card = page.locator(".gr-member").filter(has_text="zhou.min@example.com")
    card.get_by_role("link", name=re.compile("Remove")).click()
    expect(page.locator("h1")).to_contain_text("Remove")
    assert_fits(page, 390)
    shot(page, "team-confirm-remove-390.png")
    page.get_by_role("button", name="Remove from the team").click()
    expect(page.locator(".messages")).to_contain_text("was removed from the team")
    assert not Membership.objects.filter(user__email="zhou.min@example.com").exists()
    undo = page.locator("#undo")
    expect(undo).to_contain_text("周敏")
    assert_fits(page, 390)
    undo.get_by_role("button", name=re.compile("Undo")).click()
    expect(page.locator(".messages")).to_contain_text("is back in the team")
    assert Membership.objects.filter(user__email="zhou.min@example.com").exists()
