"""Sharing a credential in a real browser, at phone and desktop widths: the demo lecturer's own
certificate page with its share actions (copy link, images, WeChat QR, LinkedIn), and their public
page of valid credentials as a visitor sees it. Screenshots (pages and the share images
themselves) go to SHOTS_DIR when it is set."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from certification.models import Certificate
from certification.services import sharing
from certification.services.issuing import verify_url
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"sharing-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_holder_shares_a_certificate_and_visitors_see_the_public_page(
    page: Page, demo_academy, width, tmp_path
):
    base = demo_academy
    page.set_viewport_size({"width": width, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    certificate = Certificate.objects.select_related("holder").get(
        holder__email="lecturer@example.com", status=Certificate.Status.VALID
    )
    log_in(page, base, "lecturer@example.com")

    page.goto(base + f"/en/certificates/{certificate.serial}/")
    share = page.locator("section", has=page.get_by_role("heading", name="Share your certificate"))
    expect(share).to_be_visible()
    link = share.get_by_label("Link to the verification page")
    expect(link).to_have_value(verify_url(certificate.serial))
    share.get_by_role("button", name="Copy link").click()
    expect(share.get_by_role("status")).to_have_text(re.compile("Link copied|Select the link"))
    expect(share.get_by_role("link", name=re.compile("Image for WeChat Moments"))).to_be_visible()
    expect(share.get_by_role("link", name=re.compile("Image for a chat"))).to_be_visible()
    expect(share.get_by_role("link", name="Add to LinkedIn profile")).to_be_visible()
    share.get_by_text("Share on WeChat").click()
    expect(
        share.get_by_role("img", name=re.compile("QR code of the verification page"))
    ).to_be_visible()
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shot(page, f"certificate-{width}")

    # The public page, as a visitor (no session) sees it.
    page.context.clear_cookies()
    slug = sharing.page_slug_for(certificate.holder)
    page.goto(base + f"/en/credentials/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("陈思远")
    cards = page.locator(".credential-card")
    expect(cards).to_have_count(1)
    expect(cards.first.get_by_role("link", name=f"Verify {certificate.serial}")).to_be_visible()
    assert "lecturer@example.com" not in page.content()  # (the footer shows the academy's own)
    page.get_by_text("Share on WeChat").click()
    expect(page.get_by_role("img", name=re.compile("QR code of this page"))).to_be_visible()
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    shot(page, f"holder-page-{width}")

    # The images the buttons download: sized for Moments and a chat, the QR code readable.
    for size, dimensions in (("moments", "1080x1440"), ("chat", "1200x630")):
        response = page.request.get(base + f"/share/{certificate.serial}/{size}.png")
        assert response.ok and response.headers["content-type"] == "image/png"
        path = tmp_path / f"{size}.png"
        path.write_bytes(response.body())
        if SHOTS and width == 1280:
            shutil.copy(path, SHOTS / f"sharing-image-{size}-{dimensions}.png")
        if shutil.which("zbarimg"):
            decoded = subprocess.run(
                ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True
            ).stdout.strip()
            assert decoded == verify_url(certificate.serial)
