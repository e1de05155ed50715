"""The reader's-script boundary (academy.script): what it converts and what it leaves alone,
and the UI catalogues it must agree with."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.template import Context, Template

from academy.script import convert_html, for_language
from tests.i18n.purity import impurities

LOCALE = Path(settings.BASE_DIR) / "locale"


def test_text_is_converted_but_tags_urls_scripts_and_form_contents_are_not():
    html = (
        '<p title="認證講師"><a href="/programmes/認證/">認證講師</a></p>'
        "<script>var x = '認證';</script><style>p::after{content:'認證'}</style>"
        "<textarea>認證講師</textarea><!-- 認證 -->"
    )
    converted = convert_html(html, "hans")
    assert '<p title="认证讲师"><a href="/programmes/認證/">认证讲师</a></p>' in converted
    assert "var x = '認證';" in converted and "content:'認證'" in converted
    assert "<textarea>認證講師</textarea><!-- 認證 -->" in converted


def test_names_as_written_are_never_converted():
    rendered = Template("{% load academy_tags %}<p>讲师 {% as_written name %} 认证</p>").render(
        Context({"name": "陈思远"})
    )
    assert convert_html(rendered, "hant") == (
        '<p>講師 <bdi data-as-written translate="no">陈思远</bdi> 認證</p>'
    )


def test_the_nearest_lang_decides_the_script():
    html = (
        '<html lang="zh-hans"><body><p>認證</p><p lang="zh-Hant">认证<b>讲师</b></p>'
        '<p lang="en">認證 <span>x</span></p><p>講師</p></body></html>'
    )
    assert convert_html(html, None) == (
        '<html lang="zh-hans"><body><p>认证</p><p lang="zh-Hant">認證<b>講師</b></p>'
        '<p lang="en">認證 <span>x</span></p><p>讲师</p></body></html>'
    )


def test_traditional_follows_the_catalogues_character_choices():
    assert (
        for_language("平台后台了解，北京企服云为学院", "zh-hant")
        == "平台後台了解，北京企服雲為學院"
    )
    assert for_language("認證講師 · 小程序電商", "zh-hans") == "认证讲师 · 小程序电商"
    assert for_language("認證講師", "en") == "認證講師"


# Messages written in both scripts on purpose (they show how search folds them); obsolete once
# the catalogues are regenerated from the placeholder version in academy/templates/search.html.
BOTH_ON_PURPOSE = {"Simplified and Traditional Chinese both work: 餐饮 also finds 餐飲."}


@pytest.mark.parametrize("catalogue,language", [("zh_Hans", "zh-hans"), ("zh_Hant", "zh-hant")])
def test_every_chinese_translation_is_in_its_catalogues_script(catalogue, language):
    with (LOCALE / catalogue / "LC_MESSAGES" / "django.po").open("rb") as handle:
        messages = read_po(handle)
    wrong = {}
    for message in messages:
        if not message.id or message.id in BOTH_ON_PURPOSE or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found = [p for s in strings if s for p in impurities(s, language)]
        if found:
            wrong[str(message.id)] = found
    assert wrong == {}


def test_names_marked_in_plain_text_and_attributes_stay_as_written():
    rendered = Template(
        "{% load i18n academy_tags %}{% autoescape off %}"
        "{% blocktranslate with name=name|as_written %}讲师 {{ name }}{% endblocktranslate %}"
        "{% endautoescape %}"
    ).render(Context({"name": "陈思远"}))
    assert for_language(rendered, "zh-hant") == "講師 陈思远"
    assert for_language(rendered, "en") == "讲师 陈思远"  # the mark never reaches a reader
    html = convert_html(
        f'<svg aria-label="签到码 {rendered}"></svg><title>{rendered}</title>', "hant"
    )
    assert html == '<svg aria-label="簽到碼 講師 陈思远"></svg><title>講師 陈思远</title>'
