"""Charts and downloads in a real browser (issue 19): a report's chart opens its figures as a
table, the exam statistics draw the same kind of chart, and the team page offers CSV and XLSX
side by side on a phone."""

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from certification.models import Attempt
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SHOTS_DIR")


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_report_chart_opens_its_table_and_statistics_draw_the_same_chart(page: Page, demo_academy):
    base = demo_academy
    log_in(page, base, "admin@example.com")
    page.goto(base + "/admin/academy-reports/exams/")
    chart = page.locator("figure.academy-chart").first
    expect(chart.locator("svg.chart")).to_be_visible()
    table = chart.locator("details table")
    expect(table).to_be_hidden()
    chart.locator("details summary").click()  # a native disclosure: keyboard and readers too
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() == 6  # one row per score band
    assert serious_axe_problems(page) == []
    shoot(page, "exports-exams-report")

    exam_id = Attempt.objects.filter(state=Attempt.State.GRADED).values("exam_id")[0]["exam_id"]
    page.goto(f"{base}/admin/exams/statistics/{exam_id}/")
    expect(page.locator("figure.academy-chart svg.chart")).to_be_visible()
    page.locator("figure.academy-chart details summary").click()
    expect(page.locator("figure.academy-chart table tbody tr")).to_have_count(10)
    assert serious_axe_problems(page) == []
    shoot(page, "exports-exam-statistics")


def test_team_page_offers_csv_and_xlsx_on_a_phone(page: Page, demo_academy):
    base = demo_academy
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, base, "owner@example.com")
    page.goto(base + "/en/my-academy/team/")
    csv_link = page.get_by_role("link", name="Download as CSV")
    xlsx_link = page.get_by_role("link", name="Download as Excel (XLSX)")
    expect(csv_link).to_be_visible()
    expect(xlsx_link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with page.expect_download() as download_info:
        xlsx_link.click()
    download = download_info.value
    assert download.suggested_filename == "team-personal-data.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert sheet.max_row > 1 and sheet.cell(1, 2).value == "E-mail"
    if SHOTS:  # the card with the totals and the two downloads
        section = xlsx_link.locator("xpath=ancestor::section[1]")
        section.screenshot(path=str(Path(SHOTS) / "exports-team-390.png"))
