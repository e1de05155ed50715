"""The site shell in a real browser: languages, logging in, and accessibility (axe-core)."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

MEMBER_EMAIL = "member@example.com"
DEMO_PASSWORD = "Academy#2026"
SERIOUS = {"serious", "critical"}


def axe_problems(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page, one readable line each."""
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in violations
        if v["impact"] in SERIOUS
    ]


def test_home_speaks_the_readers_language(page: Page, demo_academy):
    page.goto(demo_academy + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_count(1)
    header = page.get_by_role("banner")
    # Django's own catalogue already says 登录 for "Log in"; the academy's keeps it.
    expect(header.get_by_role("link", name="登录")).to_be_visible()
    expect(header.get_by_role("link", name="简体中文")).to_have_attribute("aria-current", "true")

    page.goto(demo_academy + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(re.compile("Grow your mini-program business"))
    # Every section in the navigation exists, in the reader's language: no link leads to a 404.
    nav_links = page.get_by_role("navigation", name="Main").get_by_role("link")
    for href in nav_links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert href.startswith("/en/"), href
        assert page.request.get(demo_academy + href).status == 200, href
    expect(header.get_by_role("link", name="Log in")).to_be_visible()
    expect(header.get_by_role("link", name="Sign up")).to_be_visible()

    # The switcher leads to the same page in Traditional Chinese; content follows the script.
    header.get_by_role("link", name="繁體中文").click()
    expect(page).to_have_url(demo_academy + "/zh-hant/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.locator("h1")).to_contain_text("服務商")
    expect(header.get_by_role("link", name="登入")).to_be_visible()


@pytest.mark.skipif(
    not (Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo").exists(),
    reason="the academy's own translation catalogues (locale/*/django.mo) are not compiled yet",
)
def test_navigation_is_translated(page: Page, demo_academy):
    expected = {
        "/": ("课程", "我的学院", "登录", "注册", "搜索"),
        "/zh-hant/": ("課程", "我的學院", "登入", "註冊", "搜尋"),
    }
    for path, (courses, _my_academy, log_in, sign_up, search) in expected.items():
        page.goto(demo_academy + path)
        header = page.get_by_role("banner")
        if page.get_by_role("navigation", name="Main").get_by_role("link").count():
            expect(header.get_by_role("link", name=courses, exact=True)).to_be_visible()
        expect(header.get_by_role("link", name=log_in, exact=True)).to_be_visible()
        expect(header.get_by_role("link", name=sign_up, exact=True)).to_be_visible()
        expect(header.get_by_role("button", name=search, exact=True)).to_be_visible()


def test_member_logs_in_and_reaches_my_academy(page: Page, demo_academy):
    page.goto(demo_academy + "/en/")
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Sign In")
    page.get_by_label("Email", exact=True).fill(MEMBER_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(demo_academy + "/en/my-academy/")
    expect(page.locator("h1")).to_contain_text("李娜")
    expect(page.get_by_role("region", name="Company")).to_contain_text("杭州云栈科技有限公司")
    expect(page.get_by_role("region", name="Profile")).to_contain_text(MEMBER_EMAIL)
    # The demo member is part-way through a course (courses/demo.py).
    expect(page.get_by_role("region", name="Learning")).to_contain_text("小程序电商入门")
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name="My academy")).to_have_attribute("aria-current", "page")
    expect(header.get_by_role("link", name="Log out")).to_be_visible()
    assert axe_problems(page) == []


def test_phone_menu_opens_without_javascript(browser, demo_academy):
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, java_script_enabled=False, reduced_motion="reduce"
    )
    page = context.new_page()
    page.goto(demo_academy + "/en/")
    menu_search = page.locator("#mobile-search-query")
    expect(menu_search).to_be_hidden()
    page.locator("summary").click()
    expect(menu_search).to_be_visible()
    expect(page.locator(".mobile-menu-panel").get_by_role("link", name="Log in")).to_be_visible()
    menu_search.fill("餐饮")
    menu_search.press("Enter")
    expect(page.locator(".result-list li")).not_to_have_count(0)
    context.close()


PUBLIC_PAGES = [
    "/",
    "/en/",
    "/zh-hant/",
    "/about/",
    # English readers: a page with an English version, and one in Chinese only (note, lang).
    "/en/cases/tea-chain-ordering-hangzhou/",
    "/en/courses/wechat-pay-merchant-onboarding/",
    "/en/search/?query=tea",
    "/search/?query=餐饮",
    "/search/?query=区块链",
    "/accounts/login/",
    "/accounts/signup/",
    "/page-that-does-not-exist/",
]


def test_public_pages_have_no_serious_accessibility_problems(page: Page, demo_academy):
    problems = {}
    for path in PUBLIC_PAGES:
        page.goto(demo_academy + path)
        expect(page.locator("h1")).to_have_count(1)
        if found := axe_problems(page):
            problems[path] = found
    # A sign-up with mistakes shows its errors next to the fields, still accessibly.
    page.goto(demo_academy + "/en/accounts/signup/")
    page.get_by_label("Your name").fill("Wu Fang")
    page.get_by_label("Email", exact=True).fill("wu.fang@example.com")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Password (again)").fill(DEMO_PASSWORD)
    page.get_by_label("Register a new company").check()
    page.get_by_label("I have read the privacy notice and accept it.").check()
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".field--new_provider_name .errorlist")).to_be_visible()
    expect(page.get_by_label("New company name")).to_have_attribute("aria-invalid", "true")
    if found := axe_problems(page):
        problems["/en/accounts/signup/ (errors)"] = found
    assert problems == {}
