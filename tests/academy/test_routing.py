"""academy.localisation.route_down routes every path where Wagtail's Page.route does, in fewer
queries: the pages on the way in one, then the page's own row."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page

from academy.localisation import route_down
from academy.models import StandardPage
from tests.courses.content import make_case, make_case_index
from tests.events.factories import make_event, make_index


def outcome(route, home, path: str):
    request = RequestFactory().get(path)
    try:
        result = route(home, request, [c for c in path.split("/") if c])
    except Http404:
        return "404"
    view = result.args[0].__name__ if result.args else None
    return (type(result.page).__name__, result.page.pk, view, result.args[1:])


@pytest.fixture
def site_tree(home_page):
    cases = make_case_index(home_page)
    case = make_case(cases)
    events = make_index(home_page)
    event = make_event(events)
    # A child page with the slug of one of the events index's own routes: Wagtail serves the
    # index's route, never the child.
    shadowed = StandardPage(title="影子", slug="archive", intro="")
    events.add_child(instance=shadowed)
    draft = make_case(cases)
    Page.objects.filter(pk=draft.pk).update(live=False)
    return {"case": case, "event": event, "draft": draft}


def test_route_down_gives_what_wagtail_gives(site_tree, home_page, django_assert_max_num_queries):
    case, event, draft = site_tree["case"], site_tree["event"], site_tree["draft"]
    paths = [
        "/",
        "/cases/",
        f"/cases/{case.slug}/",
        f"/cases/{case.slug}/nothing-here/",
        f"/cases/{draft.slug}/",  # not live: 404
        "/cases/no-such-case/",
        "/events/",
        "/events/archive/",
        f"/events/{event.slug}/",
        f"/events/{event.slug}/register/",
        f"/events/{event.slug}/calendar/",
        "/events/registrations/1/",
        "/no-such-section/",
    ]
    home = home_page.specific
    for path in paths:
        assert outcome(route_down, home, path) == outcome(Page.route, home, path), path
    with django_assert_max_num_queries(2):
        outcome(route_down, home, f"/events/{event.slug}/")


def route_of(home, path: str):
    return route_down(home, RequestFactory().get(path), [c for c in path.split("/") if c])


def test_a_routed_page_is_kept_until_content_changes(
    site_tree, home_page, django_assert_max_num_queries
):
    case, home = site_tree["case"], home_page.specific
    path = f"/cases/{case.slug}/"
    first = outcome(route_down, home, path)
    with django_assert_max_num_queries(0):
        assert outcome(route_down, home, path) == first
    # What a request does to its page (the reader's language) is not what the next one gets.
    route_of(home, path).page.title = "改过的标题"
    assert route_of(home, path).page.title == case.title

    case.title = "新标题"
    case.save_revision().publish()  # a content change: routed afresh, with the new title
    assert route_of(home, path).page.title == "新标题"
    case.refresh_from_db()
    case.unpublish()
    assert outcome(route_down, home, path) == "404"


def test_a_path_that_does_not_route_is_not_kept(site_tree, home_page):
    from academy import fragments

    home = home_page.specific
    for path in ("/cases/no-such-case/", f"/cases/{site_tree['case'].slug}/nothing-here/"):
        assert outcome(route_down, home, path) == "404"
        parts = (home.pk, *[c for c in path.split("/") if c])
        assert fragments.get(fragments.versioned_key("route", parts)) is None


def test_view_restrictions_are_kept_and_apply_at_once(site_tree, client, member):
    """academy/page_lookups.py: a page's restrictions are kept on the content version, so adding
    one (here on the parent), changing its kind or removing it applies to the next request."""
    from wagtail.models import PageViewRestriction

    case = site_tree["case"]
    path = f"/cases/{case.slug}/"
    client.force_login(member)
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200  # kept: no restriction
    assert not case.get_view_restrictions().exists()

    restriction = PageViewRestriction.objects.create(
        page=case.get_parent(), restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = client.get(path)
    assert response.status_code == 200 and 'name="password"' in response.content.decode()
    assert list(case.get_view_restrictions()) == [restriction]

    restriction.restriction_type = PageViewRestriction.LOGIN  # the member is signed in
    restriction.save()
    response = client.get(path)
    assert response.status_code == 200 and 'name="password"' not in response.content.decode()
    client.logout()
    assert client.get(path).status_code == 302  # to the sign-in page

    restriction.delete()
    assert client.get(path).status_code == 200
    assert not case.get_view_restrictions().exists()
