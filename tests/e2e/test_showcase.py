"""The provider directory and a profile in a real browser, at phone and desktop widths, as a
merchant uses them: catering providers with certified lecturers first, a profile with its
lecturers' verify links and cases, an enquiry sent, and the admin finding it on the team page.
Screenshots go to SHOTS_DIR (default /work/wt/shots) for the issue's note."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from showcase.models import Enquiry
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("SHOTS_DIR", "/work/wt/shots"))


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page: Page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"showcase-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_merchant_finds_a_catering_provider_and_sends_an_enquiry(page: Page, demo_academy, width):
    base = demo_academy
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "/providers/?industry=餐饮")
    cards = page.locator(".sc-card")
    assert cards.count() >= 4
    # Catering providers with certified lecturers come first, and each card says why.
    expect(cards.nth(0).locator(".sc-reason .badge--success")).to_be_visible()
    expect(cards.nth(1).locator(".sc-reason .badge--success")).to_be_visible()
    assert re.search("certified lecturer|认证讲师", cards.nth(0).locator(".sc-reason").inner_text())
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shot(page, f"directory-{width}")

    page.goto(base + "/providers/?q=餐飲")
    assert page.locator(".sc-card").count() >= 3

    page.goto(base + "/en/providers/yunzhan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("杭州云栈科技有限公司")
    lecturers = page.locator(".sc-lecturers")
    expect(lecturers.get_by_role("link", name=re.compile("verify"))).to_have_count(1)
    assert page.locator(".case-card").count() >= 1
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shot(page, f"profile-{width}")

    page.get_by_role("link", name="Send an enquiry").first.click()
    page.get_by_label("Name").fill("浏览器测试商户")
    page.get_by_label("E-mail").fill(f"merchant{width}@example.com")
    page.get_by_label("What you need").fill("两家茶饮门店需要点单小程序。")
    page.get_by_label("I agree").check()
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shot(page, f"enquiry-{width}")
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
    assert Enquiry.objects.filter(email=f"merchant{width}@example.com").exists()

    log_in(page, base, "owner@example.com")
    page.goto(base + "/en/my-academy/team/enquiries/")
    expect(page.locator("main")).to_contain_text("浏览器测试商户")
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shot(page, f"team-enquiries-{width}")
    page.goto(base + "/en/my-academy/team/showcase/")
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shot(page, f"team-profile-{width}")


@pytest.mark.parametrize("width", [390, 1280])
def test_visitor_follows_a_lecturer_to_their_credentials_and_checks_the_baked_badge(
    page: Page, demo_academy, width, tmp_path
):
    """From a profile's certified lecturer to their public credentials page, then the baked Open
    Badges picture of that credential uploaded on /verify/: the same result as for the PDF."""
    base = demo_academy
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "/en/providers/yunzhan/")
    lecturers = page.locator(".sc-lecturers")
    lecturers.get_by_role("link", name=re.compile("Verified credentials")).first.click()
    expect(page).to_have_url(re.compile(r"/en/credentials/\w+/$"))
    card = page.locator(".credential-card")
    expect(card).to_have_count(1)
    assert "@" not in page.get_by_role("heading", level=1).inner_text()
    serial = card.locator("dd").first.inner_text().strip()

    badge = page.request.get(base + f"/verify/{serial}.png")
    assert badge.ok and badge.headers["content-type"] == "image/png"
    path = tmp_path / "badge.png"
    path.write_bytes(badge.body())
    page.goto(base + "/en/verify/")
    upload = page.locator("form[action$='/verify/upload/']")
    upload.get_by_label("Certificate PDF or badge image").set_input_files(str(path))
    upload.get_by_role("button", name="Check file").click()
    expect(page.locator(".cert-status--valid")).to_be_visible()
    expect(page.locator("main")).to_contain_text(serial)
    expect(page.locator("main")).to_contain_text("Credential signature verifies")
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
