"""The demo lecturer's teaching desk in a real browser, at phone and desktop widths: their
upcoming sessions with sign-ups, one session's attendance list, and their profile edited with a
photo that the public profile shows as a rendition."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from academy.models import LecturerProfile
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [390, 1280])
def test_lecturer_sees_sessions_and_edits_the_profile(page: Page, demo_academy, width, tmp_path):
    base = demo_academy
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, base, "lecturer@example.com")

    desk = page.locator(".ev-teach")
    expect(desk.get_by_role("heading", name="Teaching desk")).to_be_visible()
    expect(desk.locator(".ev-my-heading").first).to_have_text("Sessions you teach")
    assert desk.locator(".ev-my-list").first.locator("li").count() >= 2
    expect(page.locator("#events-title")).to_be_visible()
    assert "You have not signed up for an event yet." not in page.locator("main").inner_text()
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []

    desk.get_by_role("link", name=re.compile("Attendance and ratings")).first.click()
    expect(page.locator("#attendees-title")).to_have_text("Attendance list")
    assert page.locator(".ev-teach-attendees li").count() > 0
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []

    photo = tmp_path / "portrait.png"
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 120, 90)).save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())
    page.goto(base + "/en/my-academy/lecturer-profile/")
    page.get_by_label("City").fill("杭州")
    page.locator("input[name=photo_upload]").set_input_files(str(photo))
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Save profile").click()
    expect(page).to_have_url(re.compile(r"/en/my-academy/$"))
    expect(page.locator(".lecturer-aside-photo")).to_have_attribute(
        "src", re.compile(r"fill-96x96")
    )

    profile = LecturerProfile.objects.get(user__email="lecturer@example.com")
    assert profile.city == "杭州" and profile.photo is not None
    page.goto(base + f"/en/lecturers/{profile.pk}/")
    expect(page.locator(".lecturer-hero img")).to_have_attribute("src", re.compile(r"fill-256x256"))
    expect(page.locator("main")).to_contain_text("杭州")
    assert no_horizontal_scroll(page)
