"""My data and closing the account in a real browser at phone width (issue 20): the demo lecturer
reads what the academy holds, downloads the ZIP, asks to close the account, confirms from the
e-mailed link, keeps it after all, asks again, and the closure runs once time has moved on.
Screenshots at 390 and 1280 px go to /work/wt/shots/mydata-*.png when that folder exists."""

import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from academy import closure
from academy.models import ClosureRequest, User
from tests.e2e.helpers import DEMO_PASSWORD, log_in, serious_axe_problems

pytestmark = pytest.mark.e2e
SHOTS = Path("/work/wt/shots")
EMAIL = "lecturer@example.com"


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def check(page: Page, shot: str) -> None:
    """Accessible and without sideways scrolling at phone width; screenshots at both widths."""
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    if SHOTS.is_dir():
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / f"mydata-{shot}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 900})


def test_my_data_download_and_closing_the_account(page: Page, demo_academy, tmp_path):
    base = demo_academy
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, base, EMAIL)

    page.get_by_role("link", name="My data").first.click()
    expect(page.get_by_role("heading", name="My data", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Certificates", level=2, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Exam attempts", level=2)).to_be_visible()
    check(page, "page")

    page.get_by_role("button", name="Prepare my download").click()
    expect(page.get_by_text("We are preparing your download.")).to_be_visible()
    # Without a broker the task ran in-process after the request: the download is there.
    expect(page.locator(".my-data-exports").get_by_text("Ready to download")).to_be_visible()
    expect(page.get_by_text("You can ask for another download after")).to_be_visible()
    check(page, "download-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download", exact=True).click()
    archive = tmp_path / "data.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        assert "data.json" in opened.namelist() and "certificates.csv" in opened.namelist()
        data = json.loads(opened.read("data.json"))
        assert data["sections"]["profile"]["rows"][0]["e-mail"] == EMAIL
        assert opened.read("certificates.csv").startswith("\ufeff".encode())

    page.get_by_role("link", name="Close my account").click()
    expect(page.get_by_role("heading", name="Close my account", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Save your certificates first")).to_be_visible()
    check(page, "close")
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_text("We e-mailed you a link.").first).to_be_visible()
    check(page, "close-requested")

    request = ClosureRequest.objects.get(user__email=EMAIL)
    page.goto(base + f"/en/my-academy/close/{request.token}/")
    check(page, "confirm-link")
    page.get_by_role("button", name="Confirm: close my account").click()
    expect(page.get_by_role("heading", name="Your account is due to be closed")).to_be_visible()

    page.goto(base + "/en/my-academy/")
    expect(page.get_by_text("Your account will be closed after")).to_be_visible()
    page.get_by_role("button", name="Keep my account").click()
    expect(page.get_by_text("Your account stays open: the closure is cancelled.")).to_be_visible()
    request.refresh_from_db()
    assert request.status == ClosureRequest.Status.CANCELLED

    page.goto(base + "/en/my-academy/close/")
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Close my account").click()
    again = ClosureRequest.objects.get(
        user__email=EMAIL, status=ClosureRequest.Status.AWAITING_EMAIL
    )
    page.goto(base + f"/en/my-academy/close/{again.token}/")
    page.get_by_role("button", name="Confirm: close my account").click()
    lecturer = User.objects.get(email=EMAIL)

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert closure.process_due().done == 1
    again.refresh_from_db()
    assert again.status == ClosureRequest.Status.CLOSED

    # Signed out everywhere, and the address no longer signs in.
    page.goto(base + "/en/my-academy/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    lecturer.refresh_from_db()
    assert lecturer.email != EMAIL and not lecturer.is_active
