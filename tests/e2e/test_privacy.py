"""The privacy notice in a real browser at phone width: the sign-up form links it and records the
acceptance; a signed-in person is asked to accept a materially changed version, on a page that
axe finds no serious problem with, and then goes on to where they were going."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from wagtail.models import Locale

from academy import privacy
from academy.models import ConsentRecord, PrivacyNotice, User
from tests.e2e.helpers import DEMO_PASSWORD, serious_axe_problems

pytestmark = pytest.mark.e2e


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_signup_links_the_notice_and_records_the_acceptance(page: Page, demo_academy):
    base = demo_academy
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(base + "/en/accounts/signup/")
    link = page.locator("main").get_by_role("link", name="privacy notice")
    expect(link).to_have_attribute("href", "/en/privacy/")
    page.get_by_label("Your name").fill("Qin Yue")
    page.get_by_label("Email", exact=True).fill("qin.yue.privacy@example.com")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Password (again)").fill(DEMO_PASSWORD)
    page.get_by_label("Register a new company").check()
    page.get_by_label("New company name").fill("成都青禾数字科技有限公司")
    page.get_by_label("I have read the privacy notice and accept it.").check()
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/en/my-academy/$"))
    user = User.objects.get(email="qin.yue.privacy@example.com")
    assert privacy.accepted_version(user) == 1

    # The optional consents sit in My academy, each with its own button.
    consents = page.get_by_role("region", name="Privacy and consents")
    expect(consents.get_by_role("button", name="Give consent")).to_have_count(2)
    assert no_horizontal_scroll(page)


def test_a_material_change_is_accepted_before_going_on(page: Page, demo_academy):
    base = demo_academy
    page.set_viewport_size({"width": 390, "height": 900})
    original = PrivacyNotice.objects.get(version=1, locale__language_code="zh-hans")
    PrivacyNotice.objects.create(
        locale=Locale.objects.get(language_code="zh-hans"),
        version=2,
        material_change=True,
        effective_date=timezone.localdate() - datetime.timedelta(days=1),
        summary_of_changes="新增：活动签到照片的处理方式。",
        body=original.body + "<h2>活动照片</h2><p>活动现场拍摄的照片保存一年。</p>",
    )
    log_in_and_expect_question(page, base)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Please read our updated privacy notice"
    )
    expect(page.locator("main")).to_contain_text("活动照片")
    assert no_horizontal_scroll(page)
    assert serious_axe_problems(page) == []
    page.get_by_role("button", name="I accept the privacy notice").click()
    expect(page).to_have_url(re.compile(r"/en/my-academy/$"))
    user = User.objects.get(email="member@example.com")
    assert ConsentRecord.objects.filter(
        user=user, kind="privacy_notice", notice_version=2, source="accept_page"
    ).exists()


def log_in_and_expect_question(page: Page, base: str) -> None:
    page.goto(base + "/en/accounts/login/")
    page.get_by_label("Email", exact=True).fill("member@example.com")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/en/privacy/accept/\?next="))
