"""Search snippets: the text a reader sees, never block field names; matches marked in the
reader's script; English versions found on /en/ once (issue 14, points 4 and 5)."""

import pytest
from wagtail import blocks
from wagtail.models import Locale

from academy import search
from academy.demo import translate_page
from courses.blocks import CaseSectionBlock, LessonBodyBlock, MetricBlock
from events.blocks import AgendaItemBlock
from tests.factories import publish_article


def stream(block, data):
    return block.to_python(data)


def test_struct_blocks_give_their_values_in_reading_order_without_field_names():
    metrics = blocks.StreamBlock([("metric", MetricBlock())])
    value = stream(
        metrics,
        [{"type": "metric", "value": {"label": "小程序點單佔比", "value": "68", "unit": "%"}}],
    )
    assert search.text_of(value) == "小程序點單佔比 68 %"

    agenda = blocks.StreamBlock([("item", AgendaItemBlock())])
    value = stream(
        agenda,
        [{"type": "item", "value": {"time": "14:00", "item": "动手实验", "speaker": "陈思远"}}],
    )
    text = search.text_of(value)
    assert text == "14:00 动手实验 陈思远"
    for name in ("time", "item", "speaker", "label", "value", "unit"):
        assert name not in text.split()


def test_rich_text_paragraphs_stay_apart_and_entities_are_read():
    value = stream(
        CaseSectionBlock(),
        [
            {"type": "text", "value": "<p>Orders &amp; payments.</p><p>Next step</p>"},
            {"type": "quote", "value": {"quote": "排队少了", "attribution": "店长"}},
            {"type": "callout", "value": {"kind": "warning", "title": "", "text": "<p>注意</p>"}},
        ],
    )
    text = search.text_of(value)
    assert "Orders & payments. Next step" in " ".join(text.split())
    assert "排队少了" in text and "店长" in text and "注意" in text
    assert "warning" not in text  # a choice's key is not a word on the page


def test_a_knowledge_checks_answer_key_is_not_text():
    value = stream(
        LessonBodyBlock(),
        [
            {
                "type": "knowledge_check",
                "value": {
                    "title": "小测验",
                    "intro": "",
                    "pass_percentage": 80,
                    "questions": [
                        {
                            "prompt": "哪一项正确？",
                            "multiple": False,
                            "options": [
                                {"text": "甲", "correct": True},
                                {"text": "乙", "correct": False},
                            ],
                            "explanation": "",
                        }
                    ],
                },
            }
        ],
    )
    text = search.text_of(value)
    assert "哪一项正确" in text
    assert "True" not in text and "80" not in text


def test_search_page_snippets_have_no_field_names_and_marks_in_the_readers_script(
    client, home_page
):
    publish_article(home_page, "门店数字化", "小程序点单占比 68% 的茶饮品牌。", slug="tea")
    response = client.get("/zh-hant/search/", {"query": "點單"})
    (result,) = response.context["results"]
    assert result.snippet == "小程序<mark>點單</mark>佔比 68% 的茶飲品牌。"
    assert "小程序<mark>點單</mark>佔比" in response.content.decode()


@pytest.fixture
def english(db):
    return Locale.objects.get(language_code="en")


@pytest.fixture
def tea_case(home_page, english):
    translate_page(home_page, english, {"title": "Provider Academy"})
    page = publish_article(home_page, "茶饮品牌的小程序点单", "高峰期排队长。", slug="tea")
    translate_page(
        page,
        english,
        {
            "title": "A tea chain moves ordering into a mini-program",
            "body": [("paragraph", "<p>Long queues at peak hours.</p>")],
        },
    )
    return page


def result_titles(response):
    return [str(r.title) for r in response.context["results"]]


def test_an_english_word_finds_the_english_version_on_en(client, tea_case):
    response = client.get("/en/search/", {"query": "queues"})
    assert result_titles(response) == ["A tea chain moves ordering into a mini-program"]
    html = response.content.decode()
    assert "Long <mark>queues</mark> at peak hours." in html
    assert 'href="/en/tea/"' in html
    assert 'lang="zh-Hans"' not in html.split('class="result-list"')[1]


def test_readers_of_chinese_never_get_the_english_version(client, tea_case):
    assert result_titles(client.get("/search/", {"query": "queues"})) == []
    titles = result_titles(client.get("/search/", {"query": "点单"}))
    assert titles == ["茶饮品牌的小程序<mark>点单</mark>"]


def test_a_page_is_found_once_in_the_readers_language(client, tea_case, home_page):
    # "mini-program" is in the English title; the Chinese original (小程序) is not shown beside it.
    response = client.get("/en/search/", {"query": "mini-program"})
    assert len(response.context["results"]) == 1
    # A Chinese word finds pages without an English version, marked as Chinese.
    publish_article(home_page, "小程序点单清单", slug="list")
    response = client.get("/en/search/", {"query": "清单"})
    (result,) = response.context["results"]
    assert result.lang == "zh-Hans"
    assert 'class="result-title" lang="zh-Hans"' in response.content.decode()
