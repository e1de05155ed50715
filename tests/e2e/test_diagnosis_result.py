"""The demo owner's diagnosis result and action plan in a real browser, at phone and desktop
widths: three priorities, the peer comparison among catering providers, a chart whose figures
table is hidden from sight but read by screen readers; the plan adopted, edited and shown on
My academy. No horizontal scroll, no serious axe problem. Screenshots go to $SHOTS_DIR when set."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from academy.models import Provider
from growth.models import ActionPlan, Diagnosis
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("SHOTS_DIR")


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_owner_reads_the_result_and_adopts_and_edits_the_plan(page: Page, demo_academy, width):
    base = demo_academy
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, base, "owner@example.com")
    provider = Provider.objects.get(name="杭州云栈科技有限公司")
    latest = Diagnosis.objects.filter(provider=provider, state="completed").first()

    page.goto(f"{base}/en/diagnosis/{latest.pk}/result/")
    expect(page.locator("#priorities-title")).to_have_text("What to do first")
    assert page.locator(".gr-priority").count() == 3
    expect(page.locator(".gr-peers")).to_be_visible()
    expect(page.locator("#peers-title + p")).to_contain_text("餐饮")
    chart = page.get_by_role("img", name="Level per direction")
    expect(chart).to_be_visible()
    table = page.locator(".visually-hidden > table")
    assert table.count() == 1  # kept in the page for screen readers …
    box = page.locator(".visually-hidden").first.bounding_box()
    assert box is None or (box["width"] <= 1 and box["height"] <= 1)  # … but not seen
    # The chart's type stays at least 12 px on screen at phone width.
    font = page.evaluate(
        """() => { const svg = document.querySelector('svg.chart');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return parseFloat(svg.querySelector('text').getAttribute('font-size')) * scale; }"""
    )
    assert font >= 12, font
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shoot(page, f"diagnosis-result-{width}")

    page.get_by_role("link", name="Review the proposed plan first").click()
    expect(page.locator("h1")).to_have_text("Action plan")
    page.get_by_role("button", name="Adopt this plan").click()
    expect(page.locator("#progress-title")).to_be_visible()
    plan = ActionPlan.objects.get(diagnosis=latest)
    first = plan.items.first()
    page.locator(f"#id_date_{first.pk}").fill("2027-06-30")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".gr-plan-items")).to_contain_text("2027-06-30")
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shoot(page, f"diagnosis-plan-{width}")

    page.goto(base + "/en/my-academy/")
    expect(page.get_by_role("heading", name="Action plan")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.goto(base + "/en/my-academy/team/")
    expect(page.locator("#action-plan-title")).to_be_visible()
    expect(page.locator("#action-plan-title + p")).to_contain_text(re.compile(r"\d+ of \d+"))
