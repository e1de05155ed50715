from tests.factories import publish_article


def nav_hrefs(html: str) -> list[str]:
    start = html.index('class="primary-nav"')
    nav = html[start : html.index("</nav>", start)]
    return [part.split('"')[0] for part in nav.split('href="')[1:]]


# The certification app's views (lecturer directory, verification) and the provider directory
# (showcase) always exist.
URL_SECTIONS = ["/en/lecturers/", "/en/providers/", "/en/verify/"]


def test_navigation_lists_only_sections_that_exist(client, home_page):
    assert nav_hrefs(client.get("/en/").content.decode()) == URL_SECTIONS
    publish_article(home_page, "案例", slug="cases")
    assert nav_hrefs(client.get("/en/").content.decode()) == ["/en/cases/", *URL_SECTIONS]


def test_unpublished_sections_leave_the_navigation(client, home_page):
    page = publish_article(home_page, "课程", slug="courses")
    assert "/courses/" in nav_hrefs(client.get("/").content.decode())
    page.unpublish()
    assert nav_hrefs(client.get("/").content.decode()) == [
        "/lecturers/",
        "/providers/",
        "/verify/",
    ]
