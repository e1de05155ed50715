"""Cached fragments of the shell and of shared content (academy/fragments.py).

Signed-in readers are served the header, the footer, the home page's blocks and a case's story
from the cache: never with another reader's account links, and with every edit at once.
"""

import pickle

import pytest
from django.test import Client
from wagtail.models import Page, Site

from academy.models import SiteSettings
from courses.models import CaseStudyIndexPage
from tests.courses.content import make_case, make_case_index
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def signed_in_paths(settings):
    # The page cache answers cookie-less visitors before any template runs; these tests are about
    # the fragments that every rendered page (a signed-in reader's) is made of.
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 600


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def header(page: str) -> str:
    return page[page.index('<header class="site-header">') : page.index("</header>")]


def test_a_staff_members_links_are_never_shown_to_a_member_or_a_visitor(home_page):
    staff = signed_in(UserFactory(is_staff=True))
    member = signed_in(UserFactory())
    visitor = Client()
    for url in ("/", "/en/"):
        assert 'href="/admin/"' in header(html(staff, url))
        member_header = header(html(member, url))
        assert 'href="/admin/"' not in member_header
        assert "/accounts/logout/" in member_header
        visitor_header = header(html(visitor, url))
        assert "/accounts/logout/" not in visitor_header and "/accounts/login/" in visitor_header
        # …and the other way round: what a visitor was served first is not a member's.
        assert 'href="/admin/"' in header(html(staff, url))


def stored_fragments(cache) -> list:
    """Every fragment in the cache, read from the backend's own store: local memory (make test)
    or Redis (make test-services)."""
    if hasattr(cache._cache, "items"):  # locmem keeps pickles in a dict
        return [pickle.loads(value) for key, value in cache._cache.items() if ":fragment:" in key]
    client = cache._cache.get_client()
    return [
        cache._cache._serializer.loads(client.get(key))
        for key in client.scan_iter(match="*:fragment:*")
    ]


def test_no_name_of_a_reader_is_kept_in_a_shared_fragment(home_page):
    from django.core.cache import cache

    person = UserFactory(first_name="独一无二", last_name="之名", email="unique-reader@example.com")
    html(signed_in(person), "/")
    stored = stored_fragments(cache)
    assert len(stored) >= 3, "the header, the footer and the home page's blocks were cached"
    for fragment in stored:
        assert "独一无二" not in str(fragment) and "unique-reader" not in str(fragment)


def test_a_newly_published_section_is_in_the_cached_navigation_at_once(home_page):
    member = signed_in(UserFactory())
    before = html(member, "/")
    assert 'href="/cases/"' not in before
    make_case_index(home_page)  # publishes the case listing under the home page
    after = html(member, "/")
    assert header(after).count('href="/cases/"') == 2  # the main navigation and the menu's
    assert 'href="/cases/"' in after[after.index('<footer class="site-footer">') :]


def test_an_unpublished_section_leaves_the_cached_navigation_at_once(home_page):
    index = make_case_index(home_page)
    member = signed_in(UserFactory())
    assert 'href="/cases/"' in header(html(member, "/"))
    Page.objects.get(pk=index.pk).unpublish()
    assert 'href="/cases/"' not in header(html(member, "/"))


def test_a_site_settings_edit_shows_in_the_cached_footer_at_once(home_page):
    member = signed_in(UserFactory())
    html(member, "/")
    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.contact_email = "hello-fragments@example.com"
    settings_row.save()
    assert "hello-fragments@example.com" in html(member, "/")


def test_a_new_case_shows_in_the_cached_listing_and_an_edit_on_its_page(home_page):
    index = make_case_index(home_page)
    first = make_case(index, title="第一个案例")
    member = signed_in(UserFactory())
    assert "第一个案例" in html(member, "/cases/")
    make_case(CaseStudyIndexPage.objects.get(pk=index.pk), title="第二个案例")
    assert "第二个案例" in html(member, "/cases/")

    url = first.url
    assert "商户" in html(member, url)
    first.merchant_name = "改过名的商户"
    first.save_revision().publish()
    assert "改过名的商户" in html(member, url)


def test_filters_and_pages_of_a_listing_are_separate_fragments(home_page):
    index = make_case_index(home_page)
    make_case(index, title="杭州的案例", city="杭州")
    make_case(index, title="上海的案例", city="上海")
    member = signed_in(UserFactory())
    assert "上海的案例" in html(member, "/cases/")
    filtered = html(member, "/cases/?city=杭州")
    assert "杭州的案例" in filtered and "上海的案例" not in filtered


def test_fragments_can_be_turned_off(home_page, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    member = signed_in(UserFactory())
    html(member, "/")
    make_case_index(home_page)
    assert 'href="/cases/"' in header(html(member, "/"))


def test_a_preview_never_uses_the_readers_fragment(home_page):
    index = make_case_index(home_page)
    case = make_case(index, title="已发布的标题")
    member = signed_in(UserFactory())
    assert "商户" in html(member, case.url)  # the live story is now cached
    case.merchant_name = "草稿里的商户"
    case.save_revision()  # a draft, not published
    draft = case.get_latest_revision_as_object()
    assert "草稿里的商户" in draft.make_preview_request().content.decode()
    live = html(member, case.url)
    assert "草稿里的商户" not in live and "商户" in live
