"""The growth diagnosis and the providers report in a real browser: the demo provider admin
takes the diagnosis without touching JavaScript-only controls and sees the result chart; staff
open the providers report and download its CSV."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from academy.models import Provider
from growth.models import Diagnosis
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e


def test_owner_takes_the_diagnosis_and_staff_download_the_providers_csv(page: Page, demo_academy):
    base = demo_academy
    log_in(page, base, "owner@example.com")
    expect(page.get_by_role("heading", name="Growth stage")).to_be_visible()

    page.goto(base + "/en/diagnosis/")
    expect(page.locator("h1")).to_have_text("Growth diagnosis")
    assert serious_axe_problems(page) == []
    page.get_by_role("button", name=re.compile("Take the diagnosis")).click()

    for step in range(4):
        expect(page.locator(".gr-steps [aria-current='step']")).to_be_visible()
        if step == 0:
            assert serious_axe_problems(page) == []
        # The strongest answer to every question of this direction.
        for radio in page.locator("input[type=radio][value='3']").all():
            radio.check()
        name = "See my result" if step == 3 else "Save and continue"
        page.get_by_role("button", name=name).click()

    expect(page.locator("h1")).to_contain_text("Business expansion")
    chart = page.get_by_role("img", name="Level per direction")
    expect(chart).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("100%")
    assert serious_axe_problems(page) == []
    provider = Provider.objects.get(name="杭州云栈科技有限公司")
    assert provider.growth_stage == "expansion"
    assert Diagnosis.objects.filter(provider=provider, state="completed").count() == 3

    page.goto(base + "/en/my-academy/team/")
    expect(page.locator("h1")).to_have_text("Team")
    expect(page.locator(".gr-members")).to_contain_text("zhao.lei@example.com")
    assert serious_axe_problems(page) == []

    page.context.clear_cookies()
    log_in(page, base, "editor@example.com")
    page.goto(base + "/admin/academy-reports/providers/")
    # The admin speaks the editor's language (Simplified Chinese by default): find things by place.
    expect(page.locator("svg.chart").first).to_be_visible()
    page.locator("#w-slim-header-buttons .w-dropdown__toggle").click()
    with page.expect_download() as download_info:
        page.locator("#w-slim-header-buttons a[href*='export=csv']").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) > 5
    industries = [r[0] for r in rows[1:]]
    assert industries[0] in {"商家自营", "Self-operated"}
    assert "杭州" in {r[1] for r in rows[1:]}
