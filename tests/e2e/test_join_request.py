"""Joining a company in a real browser, as a new user would: sign up typing the company's name
(no list of companies), wait with no access, get approved on the team page at phone width."""

import re

import pytest
from playwright.sync_api import Page, expect

from academy.models import JoinRequest, Membership
from tests.e2e.helpers import DEMO_PASSWORD, log_in, serious_axe_problems

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_signup_asks_to_join_and_the_owner_approves_on_the_team_page(page: Page, demo_academy):
    base = demo_academy
    page.goto(base + "/en/accounts/signup/")
    expect(page.locator("select")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("杭州云栈")
    page.get_by_label("Your name").fill("Wu Fang")
    page.get_by_label("Email", exact=True).fill("wu.fang@example.com")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Password (again)").fill(DEMO_PASSWORD)
    page.get_by_label("Join a company already in the academy").check()
    page.get_by_label("I have read the privacy notice and accept it.").check()
    # A name that is not in the academy: said in words, the input kept.
    page.get_by_label("Company name", exact=True).fill("杭州云栈")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".field--company_name .errorlist")).to_contain_text(
        "No company of that name"
    )
    expect(page.get_by_label("Company name", exact=True)).to_have_value("杭州云栈")
    assert serious_axe_problems(page) == []
    # The registered name, typed in Traditional script.
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Password (again)").fill(DEMO_PASSWORD)
    page.get_by_label("Company name", exact=True).fill("杭州雲棧科技有限公司")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/en/my-academy/$"))
    company = page.get_by_role("region", name="Company")
    expect(company).to_contain_text("Waiting for approval")
    expect(company.get_by_role("button", name="Withdraw the request")).to_be_visible()
    assert serious_axe_problems(page) == []

    # No company pages until approved.
    response = page.goto(base + "/en/diagnosis/")
    assert response.status == 403
    expect(page.locator("body")).to_contain_text("waiting for one of its administrators")
    assert page.goto(base + "/en/my-academy/team/").status == 403

    # The owner decides on the team page, on a phone.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    log_in(page, base, "owner@example.com")
    page.goto(base + "/en/my-academy/team/")
    requests = page.get_by_role("region", name=re.compile("Join requests"))
    expect(requests.get_by_role("listitem")).to_have_count(2)  # Wu Fang and the demo applicant
    assert no_sideways_scroll(page)
    assert serious_axe_problems(page) == []
    wu = requests.get_by_role("listitem").filter(has_text="wu.fang@example.com")
    wu.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.get_by_role("status")).to_contain_text("Wu Fang joined your team.")
    applicant = page.get_by_role("listitem").filter(has_text="applicant@example.com")
    applicant.get_by_label("Reason for declining").fill("We have no colleague of that name.")
    applicant.get_by_role("button", name=re.compile("^Decline")).click()
    expect(page.get_by_role("status")).to_contain_text("they will be e-mailed your reason")
    expect(page.get_by_role("region", name=re.compile("Join requests"))).to_contain_text(
        "No one is waiting to join"
    )
    assert Membership.objects.get(user__email="wu.fang@example.com").role == "member"
    declined = JoinRequest.objects.get(user__email="applicant@example.com")
    assert declined.status == "declined"

    # Approved: the company's results open, read-only for a member.
    page.context.clear_cookies()
    log_in(page, base, "wu.fang@example.com")
    assert page.goto(base + "/en/diagnosis/").status == 200
    expect(page.locator("h1")).to_have_text("Growth diagnosis")
    expect(page.get_by_role("button", name=re.compile("diagnosis"))).to_have_count(0)
    expect(page.get_by_role("link", name="See your latest result")).to_be_visible()
