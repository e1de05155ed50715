"""The page cache (academy/page_cache.py): anonymous visitors share stored pages; nobody is served
another person's page; content changes show at once."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from academy import page_cache
from tests.factories import PASSWORD, UserFactory, publish_article

pytestmark = pytest.mark.django_db

HIT = page_cache.HIT_HEADER


def _state(response) -> str | None:
    return response.headers.get(HIT)


@pytest.fixture
def home_page(home_page):
    # The first render creates the site's settings row (Wagtail makes it on first use), which is a
    # content change like any other; start every test after it.
    Client().get("/")
    return home_page


def test_an_anonymous_page_is_stored_once_and_served_to_the_next_visitor(home_page):
    first = Client().get("/")
    second = Client().get("/")
    assert first.status_code == second.status_code == 200
    assert (_state(first), _state(second)) == ("miss", "hit")
    assert second.content == first.content


def test_a_stored_page_costs_no_query(home_page, django_assert_num_queries):
    Client().get("/")
    with django_assert_num_queries(0):
        assert _state(Client().get("/")) == "hit"


def test_the_language_prefix_is_part_of_the_key(home_page):
    Client().get("/")
    english = Client().get("/en/")
    traditional = Client().get("/zh-hant/")
    assert _state(english) == _state(traditional) == "miss"
    assert 'lang="en"' in english.content.decode()
    assert (
        'lang="zh-Hant"' in traditional.content.decode()
        or "zh-hant" in traditional.content.decode()
    )


def test_filters_and_pages_are_separate_entries_but_tracking_decorations_are_not(home_page):
    client = Client()
    client.get("/search/?query=餐饮")
    assert _state(client.get("/search/?query=餐饮&utm_source=wechat&from=timeline")) == "hit"
    assert _state(client.get("/search/?query=零售")) == "miss"
    assert _state(client.get("/search/?query=餐饮&page=2")) == "miss"


def test_a_signed_in_person_neither_reads_nor_fills_the_cache(home_page):
    person = UserFactory()
    member = Client()
    member.login(email=person.email, password=PASSWORD)
    own = member.get("/")
    assert "/accounts/logout/" in own.content.decode()
    assert _state(own) is None

    anonymous = Client().get("/")
    assert _state(anonymous) == "miss"
    assert "/accounts/logout/" not in anonymous.content.decode()
    assert _state(Client().get("/")) == "hit"
    # And the other way round: the stored anonymous page is not what the member sees next.
    assert "/accounts/logout/" in member.get("/").content.decode()


def test_a_page_carrying_a_message_is_not_stored_nor_shown_to_others(home_page):
    person = UserFactory()
    client = Client()
    client.login(email=person.email, password=PASSWORD)
    # allauth says goodbye with a message on the next page the browser loads.
    client.post("/accounts/logout/")
    farewell = client.get("/")
    farewell_text = farewell.content.decode()
    assert 'role="status"' in farewell_text or "messages" in farewell_text
    assert _state(farewell) is None

    stranger_first = Client().get("/")
    stranger_second = Client().get("/")
    assert _state(stranger_second) == "hit"
    # Whatever the farewell page said beyond the shared page, nobody else sees it.
    assert stranger_first.content == stranger_second.content
    assert farewell.content != stranger_second.content


def test_a_page_with_a_form_is_not_stored_and_each_visitor_gets_their_own_token(home_page):
    one, two = Client(), Client()
    first = one.get("/accounts/signup/")
    second = two.get("/accounts/signup/")
    assert first.status_code == second.status_code == 200
    assert _state(second) is None
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_a_form_page_outside_the_exempt_paths_is_not_stored_either(home_page, settings):
    settings.PAGE_CACHE_EXEMPT_PREFIXES = ["/admin/"]
    first = Client().get("/accounts/login/")
    second = Client().get("/accounts/login/")
    assert _state(first) is None and _state(second) is None
    assert "csrftoken" in second.cookies


def test_publishing_unpublishing_and_privacy_show_to_anonymous_visitors_at_once(home_page):
    page = publish_article(home_page, "第一版标题", "正文", slug="news")
    visitor = Client()
    assert "第一版标题" in visitor.get("/news/").content.decode()
    assert _state(visitor.get("/news/")) == "hit"

    page.title = "第二版标题"
    page.save_revision().publish()
    republished = visitor.get("/news/")
    assert _state(republished) == "miss"
    assert "第二版标题" in republished.content.decode()

    page.unpublish()
    assert visitor.get("/news/").status_code == 404

    page.save_revision().publish()
    assert visitor.get("/news/").status_code == 200

    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    hidden = visitor.get("/news/")
    assert hidden.status_code == 302 and "next=/news/" in hidden["Location"]

    restriction.delete()
    assert visitor.get("/news/").status_code == 200


def test_a_page_deleted_or_moved_is_gone_from_its_old_address_at_once(home_page):
    section = publish_article(home_page, "栏目", slug="section")
    page = publish_article(home_page, "会搬家的文章", slug="moving")
    visitor = Client()
    visitor.get("/moving/")
    assert _state(visitor.get("/moving/")) == "hit"

    page.move(section, pos="last-child")
    # Wagtail leaves a redirect at the old address; the stored page is not served there.
    old = visitor.get("/moving/")
    assert old.status_code == 301 and old["Location"].endswith("/section/moving/")
    assert visitor.get("/section/moving/").status_code == 200

    page.refresh_from_db()
    page.delete()
    assert visitor.get("/section/moving/").status_code == 404


def test_sign_ups_and_sign_ins_do_not_empty_the_cache(home_page, settings):
    from django.core.cache import cache

    Client().get("/")
    version = cache.get(page_cache.VERSION_KEY)
    person = UserFactory()
    client = Client()
    client.login(email=person.email, password=PASSWORD)  # writes last_login and a session
    assert cache.get(page_cache.VERSION_KEY) == version
    assert _state(Client().get("/")) == "hit"


def test_turned_off_the_site_works_uncached(home_page, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert _state(Client().get("/")) is None
    assert _state(Client().get("/")) is None


def test_a_database_cache_that_fails_does_not_break_the_writers_transaction(home_page, settings):
    """Production without Redis uses the database cache, whose table the first `migrate` makes:
    a bump before it exists must not abort the migration's transaction (PostgreSQL would refuse
    every later statement in it)."""
    from django.db import transaction

    from academy.models import Industry

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        }
    }
    with transaction.atomic():
        Industry.objects.create(name="测试行业", slug="test-industry")  # bumps, and fails quietly
        assert Industry.objects.filter(slug="test-industry").exists()  # the transaction lives
