"""English versions of pages (Wagtail's localisation, academy/localisation.py, docs/languages.md).

/en/ shows a page's English version where one exists; otherwise the Chinese original with a
visible note and lang="zh-Hans" on its content. The original stays the record and its path is
the page's one URL in every language.
"""

import re

import pytest
from django.utils import translation
from wagtail.models import Locale

from academy import localisation
from academy.demo import translate_page
from academy.models import FooterText, HomePage, StandardPage
from tests.factories import publish_article

NOTE = "This page is available in Chinese only."


@pytest.fixture
def english(db):
    return Locale.objects.get(language_code="en")


@pytest.fixture
def guide(home_page):
    return publish_article(home_page, "餐饮行业服务商指南", "从扫码点餐到会员储值。", slug="guide")


def element(html: str, tag: str, css_class: str) -> str:
    """The opening tag of the first `tag` element with `css_class`."""
    match = re.search(rf'<{tag}[^>]*class="{css_class}"[^>]*>', html)
    assert match, f"no <{tag} class={css_class}>"
    return match.group(0)


def test_both_content_languages_have_a_locale(db):
    codes = set(Locale.objects.values_list("language_code", flat=True))
    assert codes >= {"zh-hans", "en"}


def test_en_shows_the_english_version_where_one_exists(client, home_page, guide, english):
    translate_page(home_page, english, {"title": "Provider Academy", "hero_title": "Grow"})
    translate_page(guide, english, {"title": "A guide for catering providers"})

    html = client.get("/en/guide/").content.decode()
    assert "A guide for catering providers" in html
    assert NOTE not in html
    assert "lang=" not in element(html, "h1", "page-title")
    # Chinese readers keep the original, in their script.
    assert "餐饮行业服务商指南" in client.get("/guide/").content.decode()
    assert "餐飲行業服務商指南" in client.get("/zh-hant/guide/").content.decode()


def test_en_without_english_version_shows_the_original_with_a_note(client, home_page, guide):
    html = client.get("/en/guide/").content.decode()
    assert NOTE in html
    assert "餐饮行业服务商指南" in html
    assert 'lang="zh-Hans"' in element(html, "h1", "page-title")
    assert 'lang="zh-Hans"' in element(html, "article", "prose")
    # The note is for English readers only.
    assert NOTE not in client.get("/guide/").content.decode()
    assert "本页面仅提供中文版本" not in client.get("/guide/").content.decode()


def test_the_title_of_a_page_says_its_language(client, home_page, guide, english):
    # <title> cannot hold a <span>: the element itself carries the page's content language.
    assert '<title lang="zh-Hans">餐饮行业服务商指南' in client.get("/en/guide/").content.decode()
    assert "<title>餐饮行业服务商指南" in client.get("/guide/").content.decode()
    translate_page(guide, english, {"title": "A guide for catering providers"})
    assert "<title>A guide for catering providers" in client.get("/en/guide/").content.decode()


def test_a_chinese_search_query_is_marked_in_the_script_typed(client, home_page):
    html = client.get("/en/search/", {"query": "餐飲"}).content.decode()
    # Marked Traditional, as typed, so the reader's own query is not converted.
    assert '<title lang="zh-Hant">“餐飲”' in html
    assert (
        '<title lang="zh">“小程序”'
        in client.get("/en/search/", {"query": "小程序"}).content.decode()
    )
    assert "<title>“shop”" in client.get("/en/search/", {"query": "shop"}).content.decode()
    assert "<title>" in client.get("/zh-hant/search/", {"query": "餐飲"}).content.decode()


def test_an_english_version_under_an_untranslated_parent_is_still_found(
    client, home_page, guide, english
):
    # Translating a page whose parents have no English version gives them aliases (Chinese).
    child = publish_article(guide, "扫码点餐清单", slug="checklist")
    translate_page(child, english, {"title": "QR ordering checklist"})
    html = client.get("/en/guide/checklist/").content.decode()
    assert "QR ordering checklist" in html
    # The alias parent is still the Chinese original with its note.
    assert NOTE in client.get("/en/guide/").content.decode()


def test_originals_are_linked_under_the_readers_prefix(home_page, guide, english):
    translate_page(home_page, english, {"title": "Provider Academy"})
    for language, url in [
        ("zh-hans", "/guide/"),
        ("zh-hant", "/zh-hant/guide/"),
        ("en", "/en/guide/"),
    ]:
        with translation.override(language):
            assert guide.get_url() == url


def test_an_english_version_is_not_a_second_page_for_the_records(home_page, guide, english):
    translate_page(home_page, english, {"title": "Provider Academy"})
    translate_page(guide, english, {"title": "A guide"})
    assert StandardPage.objects.live().count() == 2
    assert list(localisation.originals(StandardPage.objects.live())) == [guide]


def test_english_words_are_laid_over_the_original(home_page, guide, english):
    translate_page(guide, english, {"title": "A guide", "intro": "Read this first."})
    with translation.override("en"):
        localisation.show_in_reader_language([guide])
    assert (guide.pk, guide.title, guide.intro) == (guide.pk, "A guide", "Read this first.")
    assert localisation.language_shown(guide) == "en"


def test_home_page_key_figures_and_service_cards_in_english(client, home_page, english):
    home_page.stats = [("stat", {"value": "8,200+", "label": "服务商"})]
    home_page.offers = [
        (
            "offer",
            {"title": "学院课程", "text": "按成长阶段排好的学习路径。", "link_url": "/courses/"},
        )
    ]
    home_page.save_revision().publish()
    translate_page(
        HomePage.objects.get(pk=home_page.pk),
        english,
        {
            "hero_title": "Grow your business",
            "stats": [("stat", {"value": "8,200+", "label": "Service providers"})],
            "offers": [
                ("offer", {"title": "Courses", "text": "Learning paths.", "link_url": "/courses/"})
            ],
        },
    )
    html = client.get("/en/").content.decode()
    for text in ["Grow your business", "Service providers", "Courses", "Learning paths."]:
        assert text in html
    assert "服务商</dt>" not in html and "学院课程" not in html
    assert "lang=" not in element(html, "dl", "stats")
    assert NOTE not in html
    chinese = client.get("/").content.decode()
    assert "和服务商一起成长" in chinese and "学院课程" in chinese


def test_home_page_without_english_version_is_marked_chinese(client, home_page):
    html = client.get("/en/").content.decode()
    assert NOTE in html
    assert 'lang="zh-Hans"' in element(html, "h1", "hero-title")


def test_footer_text_in_the_readers_language(client, home_page, english):
    original = FooterText.objects.create(
        locale=Locale.get_default(), body="<p>服务商学院由平台生态团队运营。</p>"
    )
    html = client.get("/en/").content.decode()
    assert 'class="footer-note" lang="zh-Hans"' in html  # no English version yet
    version = original.copy_for_translation(english)
    version.body = "<p>Run by the platform's ecosystem team.</p>"
    version.save()
    html = client.get("/en/").content.decode()
    assert "ecosystem team.</p></div>" in html
    assert 'class="footer-note">' in html
    assert "由平台生态团队运营" in client.get("/").content.decode()
    assert "由平台生態團隊運營" in client.get("/zh-hant/").content.decode()


def test_editors_can_translate_a_page_in_the_admin(admin_client, home_page, guide, english):
    response = admin_client.get(f"/admin/translation/submit/page/{home_page.pk}/")
    assert response.status_code == 200
    response = admin_client.post(
        f"/admin/translation/submit/page/{home_page.pk}/", {"locales": [english.pk]}
    )
    assert response.status_code == 302
    response = admin_client.post(
        f"/admin/translation/submit/page/{guide.pk}/", {"locales": [english.pk]}
    )
    assert response.status_code == 302
    assert guide.has_translation(english)
