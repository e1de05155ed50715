import pytest


@pytest.mark.parametrize(
    ("path", "lang", "expected"),
    [
        ("/", "zh-hans", ["搜索", "登录", "注册"]),
        ("/zh-hant/", "zh-hant", ["搜尋", "登入", "註冊"]),
        ("/en/", "en", ["Search", "Log in", "Sign up"]),
    ],
)
def test_home_page_speaks_each_language(client, home_page, path, lang, expected):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{lang}"' in html
    for text in expected:
        assert text in html


def test_simplified_chinese_is_the_unprefixed_default(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert client.get("/zh-hans/").status_code == 404


def test_language_switcher_links_to_the_same_page(client, home_page):
    html = client.get("/en/").content.decode()
    assert 'href="/zh-hant/"' in html
    assert 'href="/"' in html


def test_content_follows_the_readers_script(client, home_page):
    from tests.factories import publish_article

    publish_article(home_page, "餐饮行业服务商指南", slug="guide")
    assert "餐飲行業服務商指南" in client.get("/zh-hant/guide/").content.decode()
    assert "餐饮行业服务商指南" in client.get("/guide/").content.decode()


def test_navigation_is_translated(client, home_page):
    from tests.factories import publish_article

    publish_article(home_page, "课程", slug="courses")
    assert ">课程</a>" in client.get("/").content.decode()
    assert ">課程</a>" in client.get("/zh-hant/").content.decode()
    assert ">Courses</a>" in client.get("/en/").content.decode()
