"""Chinese search: substrings inside a run of characters, Traditional/Simplified folding, ranking.

The same tests run on SQLite (make test) and PostgreSQL (make test-services)."""

import pytest

from academy import search
from tests.factories import publish_article


@pytest.fixture
def articles(home_page):
    return {
        "hant": publish_article(
            home_page, "餐飲行業小程序案例", "一家茶餐廳的掃碼點餐改造。", slug="hant"
        ),
        "hans": publish_article(home_page, "餐饮行业案例", "火锅门店的会员储值。", slug="hans"),
        "payments": publish_article(
            home_page,
            "微信支付商家接入",
            "Payments onboarding: 从开户到第一笔交易，小程序支付全流程。",
            slug="pay",
        ),
        "body_only": publish_article(
            home_page, "门店数字化清单", "适用于餐饮、零售等行业。", slug="checklist"
        ),
    }


def titles(query):
    return [doc.title for doc in search.search(query)]


def test_traditional_query_finds_simplified_title_and_back(articles):
    assert "餐饮行业案例" in titles("餐飲")
    assert "餐飲行業小程序案例" in titles("餐饮")


def test_a_word_inside_a_run_of_chinese_is_found(articles):
    assert set(titles("小程序")) >= {"餐飲行業小程序案例", "微信支付商家接入"}


def test_english_words_are_case_insensitive(articles):
    assert titles("PAYMENTS onboarding") == ["微信支付商家接入"]


def test_title_matches_rank_above_body_matches(articles):
    ranked = titles("餐饮")
    assert ranked.index("门店数字化清单") > ranked.index("餐饮行业案例")
    assert ranked[-1] == "门店数字化清单"


def test_every_term_must_match(articles):
    assert titles("餐饮 火锅") == ["餐饮行业案例"]
    assert titles("餐饮 不存在的词") == []


def test_unpublished_and_deleted_pages_leave_the_index(articles):
    articles["hans"].unpublish()
    assert "餐饮行业案例" not in titles("餐饮")
    articles["hant"].delete()
    assert titles("餐飲") == ["门店数字化清单"]


def test_rebuild_restores_the_index(articles):
    search.SearchDocument.objects.all().delete()
    assert search.rebuild() >= 4
    assert "餐饮行业案例" in titles("餐飲")


def test_search_page_shows_results_in_the_readers_script(client, articles):
    html = client.get("/search/", {"query": "餐飲"}).content.decode()
    # The reader typed Traditional, so a Simplified title is shown in Traditional, marked.
    assert "<mark>餐飲</mark>行業案例" in html
    html = client.get("/search/", {"query": "餐饮"}).content.decode()
    assert "<mark>餐饮</mark>行业小程序案例" in html


def test_search_page_links_results_in_the_readers_language(client, articles):
    response = client.get("/en/search/", {"query": "微信支付"})
    assert response.status_code == 200
    assert 'href="/en/pay/"' in response.content.decode()


def test_search_page_escapes_the_query_and_handles_empty_input(client, articles):
    response = client.get("/search/", {"query": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get("/search/").status_code == 200
    assert client.get("/search/", {"query": "餐饮", "page": "not-a-number"}).status_code == 200


def test_search_page_query_count_does_not_grow_with_results(
    client, home_page, django_assert_max_num_queries
):
    for i in range(25):
        publish_article(home_page, f"餐饮案例 {i}", "堂食与外卖", slug=f"case-{i}")
    # 13 right after content changed: the kept site and home page are read again (2 queries
    # where Wagtail's own lookup is 1), then they and the closed sections cost nothing.
    with django_assert_max_num_queries(13):
        response = client.get("/search/", {"query": "餐饮"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 25
    assert len(response.context["results"]) == 10
    with django_assert_max_num_queries(10):
        assert client.get("/search/", {"query": "餐饮"}).status_code == 200


def test_result_links_follow_a_moved_page_at_once(client, member, home_page):
    """The results' URLs are kept until content changes; a new slug is such a change."""
    client.force_login(member)  # not a stored page: the search runs
    article = publish_article(home_page, "餐饮外卖案例", "堂食与外卖", slug="takeaway")
    assert 'href="/takeaway/' in client.get("/search/", {"query": "外卖"}).content.decode()
    article.slug = "takeaway-2026"
    article.save_revision().publish()
    html = client.get("/search/", {"query": "外卖"}).content.decode()
    assert 'href="/takeaway-2026/' in html and 'href="/takeaway/' not in html
