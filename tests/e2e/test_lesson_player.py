"""The lesson player in a real browser at 390 and 1280 px (issue 18): the demo member plays the
demo video lesson with the keyboard, pauses, seeks, changes speed and captions, clicks a
transcript line, reloads and resumes where they stopped; axe finds nothing serious.
Screenshots go to /work/wt/shots/media-*.png when that folder exists."""

import shutil
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, expect

from courses.media_models import PlaybackPosition
from tests.e2e.helpers import log_in, serious_axe_problems, wait_until

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which("ffprobe"), reason="needs Debian's ffmpeg"),
]
SHOTS = Path("/work/wt/shots")
VIDEO_LESSON = "/en/courses/mini-program-ecommerce-basics/scan-to-order-video/"
AUDIO_LESSON = "/zh-hant/courses/restaurant-qr-ordering/morning-briefing-audio/"


def current_time(page: Page) -> float:
    return page.evaluate("document.querySelector('video').currentTime")


def saved_at_least(response, seconds: float) -> bool:
    """The answer to a position save of `seconds` or more (an earlier save may still be answered
    after the key press)."""
    if not (response.url.endswith("/position") and response.ok):
        return False
    sent = parse_qs(response.request.post_data or "").get("position", ["0"])[0]
    return float(sent) >= seconds


def is_paused(page: Page) -> bool:
    return page.evaluate("document.querySelector('video').paused")


@pytest.mark.parametrize("width", [390, 1280])
def test_keyboard_play_pause_seek_and_resume_after_reload(page: Page, demo_academy, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, demo_academy, "member@example.com")
    # The demo member is enrolled in the course; the lesson is the demo's video lesson.
    page.goto(demo_academy + VIDEO_LESSON)
    video = page.locator("video.lesson-player-media")
    expect(video).to_be_visible()
    wait_until(page, "document.querySelector('video').readyState >= 1")
    assert page.evaluate("document.querySelector('video').duration") == pytest.approx(40, abs=1)

    # Keyboard: the play button, then the forward button, then keys on the video itself.
    toggle = page.locator("[data-player-toggle]")
    toggle.focus()
    page.keyboard.press("Enter")
    wait_until(page, "!document.querySelector('video').paused")
    expect(toggle).to_have_attribute("aria-label", "Pause")
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelector('video').paused")
    page.keyboard.press("Tab")  # back 10 s
    page.keyboard.press("Tab")  # forward 10 s
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelector('video').currentTime >= 10")
    video.focus()
    page.keyboard.press("ArrowRight")
    wait_until(page, "document.querySelector('video').currentTime >= 15")
    page.keyboard.press("k")
    wait_until(page, "!document.querySelector('video').paused")
    with page.expect_response(lambda r: saved_at_least(r, 15)):
        page.keyboard.press("k")  # pausing saves the position
    assert is_paused(page)
    stopped = current_time(page)
    assert stopped >= 15
    saved = PlaybackPosition.objects.get(lesson__slug="scan-to-order-video").position
    assert saved == pytest.approx(stopped, abs=0.5)

    # Speed 0.75–2× and captions in another language.
    page.get_by_label("Speed").select_option("1.5")
    assert page.evaluate("document.querySelector('video').playbackRate") == 1.5
    page.get_by_label("Captions").select_option("zh-Hant")
    modes = page.evaluate(
        "Array.from(document.querySelector('video').textTracks).map(t => t.language + ':' + t.mode)"
    )
    assert "zh-Hant:showing" in modes and "zh-Hans:disabled" in modes

    # The media file answers range requests (what lets the browser seek).
    ranged = page.request.get(
        demo_academy + page.locator("video source").get_attribute("src"),
        headers={"Range": "bytes=0-1023"},
    )
    assert ranged.status == 206 and ranged.headers["content-range"].startswith("bytes 0-1023/")

    assert serious_axe_problems(page) == []
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"media-video-{width}.png"), full_page=True)

    # Another visit (a reload; a new device reads the same server-side position) resumes there.
    page.reload()
    wait_until(page, "document.querySelector('video').currentTime > 1")
    assert current_time(page) == pytest.approx(saved, abs=0.5)

    # A transcript line seeks the video to where it is said.
    page.locator(".lesson-transcript-lines a").nth(2).click()
    wait_until(page, "Math.abs(document.querySelector('video').currentTime - 12.96) < 0.3")
    expect(page.locator(".lesson-transcript-lines a").nth(2)).to_have_attribute(
        "aria-current", "true"
    )


def test_audio_lesson_with_converted_captions_and_a_link_to_the_second(page: Page, demo_academy):
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, demo_academy, "member@example.com")
    page.goto(demo_academy + "/courses/restaurant-qr-ordering/")
    enrol = page.locator("form[action$='enrol/'] button")
    if enrol.count():  # the demo member may already learn this course (courses/demo.py)
        enrol.first.click()
    # A Simplified reader sees the Traditional-written captions converted; #t= seeks there.
    page.goto(demo_academy + "/courses/restaurant-qr-ordering/morning-briefing-audio/#t=13")
    wait_until(page, "document.querySelector('audio').currentTime >= 13.4")
    expect(page.locator(".lesson-transcript-lines a").nth(2)).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.locator(".lesson-transcript-lines")).to_contain_text("出单机换上新纸卷")
    assert serious_axe_problems(page) == []
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "media-audio-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SHOTS / "media-audio-1280.png"), full_page=True)
