"""Offline events in a real browser: a member signs up and gets the QR code; staff check them in."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import Page, expect

from academy.localisation import originals
from academy.models import HomePage
from events import demo
from events.models import Registration
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e

SESSION = "brand-mall-session-shenzhen"


@pytest.fixture
def demo_events(demo_academy):
    """The demo academy with its events (seed_demo seeds them too once it calls events.demo)."""
    demo.seed(originals(HomePage.objects).get(), StringIO())
    mail.outbox.clear()
    return demo_academy


def test_member_signs_up_gets_the_mail_and_qr_and_staff_check_them_in(page: Page, demo_events):
    base = demo_events
    log_in(page, base, "member@example.com")

    page.goto(base + "/en/events/")
    assert serious_axe_problems(page) == []
    page.get_by_role("link", name=re.compile("品牌商城小程序")).click()
    expect(page.locator("h1")).to_contain_text("品牌商城小程序")
    assert serious_axe_problems(page) == []
    signup = page.get_by_role("region", name="Registration")
    signup.get_by_label("Your role").fill("技术负责人")
    signup.get_by_role("button", name="Sign up").click()

    expect(page.locator(".message-list")).to_contain_text("You're in!")
    expect(signup).to_contain_text("Your seat is confirmed")
    registration = Registration.objects.get(
        event__slug=SESSION, user__email="member@example.com", status="confirmed"
    )
    (confirmation,) = [m for m in mail.outbox if m.to == ["member@example.com"]]
    assert "You're in" in confirmation.subject
    assert registration.display_code in confirmation.body
    assert confirmation.attachments[0][0].endswith(".ics")

    signup.get_by_role("link", name="Show my ticket and QR code").click()
    expect(page.locator("h1")).to_contain_text("品牌商城小程序")
    expect(page.get_by_role("img", name=re.compile("Check-in QR code"))).to_be_visible()
    expect(page.locator(".ev-ticket-code")).to_contain_text(registration.display_code)
    assert serious_axe_problems(page) == []

    page.context.clear_cookies()
    log_in(page, base, "events@example.com")
    door = base + f"/en/events/{SESSION}/check-in/"
    page.goto(door)
    expect(page.locator("h1")).to_contain_text("品牌商城小程序")
    # Three weeks early the door refuses the code in words and records nothing.
    page.get_by_label("QR code or check-in code").fill(registration.display_code)
    page.get_by_role("button", name="Check in", exact=True).click()
    result = page.locator("#check-in-result")
    expect(result).to_contain_text("Check-in opens at 07:30 on")
    expect(result).to_have_class(re.compile("ev-result--refused"))
    registration.refresh_from_db()
    assert registration.checked_in_at is None and registration.attendance == ""

    # On the day, half an hour before the start (the server's clock; sessions made from then on).
    with time_machine.travel(registration.event.start - timedelta(minutes=30), tick=True):
        page.context.clear_cookies()
        log_in(page, base, "events@example.com")
        page.goto(door)
        page.get_by_label("QR code or check-in code").fill(registration.display_code)
        page.get_by_role("button", name="Check in", exact=True).click()

        expect(result).to_contain_text("李娜 is checked in at")
        expect(result).to_contain_text("attended")
        expect(result).to_have_class(re.compile("ev-result--checked_in"))
        expect(page.locator("#checked-in-count")).to_have_text("1")
        assert serious_axe_problems(page) == []
        registration.refresh_from_db()
        assert registration.attendance == "attended" and registration.checked_in_by.email == (
            "events@example.com"
        )

        # Scanning the same code again says when, by whom, in the warning colour.
        page.get_by_label("QR code or check-in code").fill(registration.display_code)
        page.get_by_role("button", name="Check in", exact=True).click()
        expect(result).to_contain_text("already checked in at")
        expect(result).to_contain_text("by 周活动")
        expect(result).to_have_class(re.compile("ev-result--already"))

        # A mistaken check-in is undone from the latest check-ins, with a reason.
        page.reload()
        recent = page.get_by_role("region", name="Latest check-ins")
        recent.locator("summary", has_text="Undo").click()
        recent.get_by_label("Reason (optional)").fill("扫错了人")
        recent.get_by_role("button", name="Undo check-in").click()
        expect(page.locator(".message-list")).to_contain_text("李娜 is undone")
        expect(page.locator("#checked-in-count")).to_have_text("0")
        assert serious_axe_problems(page) == []
    registration.refresh_from_db()
    assert registration.checked_in_at is None and registration.attendance == ""
    assert registration.attendance_changes.filter(action="undone", reason="扫错了人").exists()


def test_event_pages_work_on_a_phone_without_javascript(browser, demo_events):
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, java_script_enabled=False, reduced_motion="reduce"
    )
    page = context.new_page()
    page.goto(demo_events + "/en/events/")
    expect(page.locator("h1")).to_have_count(1)
    page.get_by_label("City").select_option("北京")
    page.get_by_role("button", name="Show events").click()
    expect(page).to_have_url(re.compile(r"city="))
    expect(page.locator(".ev-card")).to_have_count(1)
    page.locator(".ev-card a").first.click()
    expect(page.get_by_role("region", name="Registration")).to_contain_text("Full")
    context.close()
