"""Provider profiles in the site search (/search/, academy/search.py): approved, public profiles
are found with Traditional/Simplified folding; only the approved copy is indexed, never a draft
waiting for review; a profile leaves the index when withdrawn, never approved, or deleted."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from academy import search
from academy.models import Provider
from showcase import services
from showcase.models import ShowcaseProfile

from .helpers import make_profile, profile_data, service_data, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_after():
    """Requests to /en/ leave English active in this thread: later tests reverse() without it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def found(client, query: str) -> list[str]:
    """The addresses of the provider profiles /search/ lists for `query` (an anonymous reader)."""
    response = client.get("/en/search/", {"query": query})
    assert response.status_code == 200
    return [r.url for r in response.context["results"] if "/providers/" in r.url]


def docs(profile) -> int:
    return search.SearchDocument.objects.filter(
        kind="showcase.showcaseprofile", object_id=profile.pk
    ).count()


def admin_for(profile):
    return profile.provider.memberships.get(role="admin")


def test_approved_profile_is_found_across_scripts(client, home_page, settings):
    settings.PAGE_CACHE_SECONDS = 0  # reads the view's context, which a stored page has not
    profile = make_profile(slug="xiang", tagline="湘菜馆的会员小程序", about="")
    assert found(client, "湘菜館") == ["/en/providers/xiang/"]
    assert found(client, "湘菜馆") == ["/en/providers/xiang/"]
    # Read in Traditional, the company's name stays as written (a name is never converted).
    response = client.get("/zh-hant/search/", {"query": "湘菜館"})
    result = next(r for r in response.context["results"] if "/providers/" in r.url)
    assert result.title == profile.provider.name and result.title_as_written
    assert f'<bdi data-as-written translate="no">{profile.provider.name}</bdi>' in (
        response.content.decode()
    )
    assert "湘菜館" in response.content.decode()  # the snippet is in the reader's script
    response = client.get("/en/search/", {"query": "湘菜馆"})
    result = next(r for r in response.context["results"] if "/providers/" in r.url)
    assert result.kind == "Provider"
    # Its services are found too, and the company by its name.
    assert found(client, "點單小程序") == ["/en/providers/xiang/"]
    assert found(client, profile.provider.name) == ["/en/providers/xiang/"]


def test_a_profile_never_approved_is_not_indexed(client, home_page):
    profile = make_profile(approve=False, slug="draft-only", tagline="尚未审核的粤菜馆")
    assert docs(profile) == 0
    assert found(client, "粤菜") == []


def test_only_the_approved_copy_is_indexed_never_the_pending_draft(client, home_page):
    profile = make_profile(slug="copy", tagline="川菜馆点单", about="")
    admin = admin_for(profile)
    services.save_profile(admin, profile_data(slug="copy", tagline="火锅店排队系统", about=""))
    services.save_service(admin, None, service_data(title="私有的待审服务"))
    assert ShowcaseProfile.objects.get(pk=profile.pk).status == ShowcaseProfile.Status.PENDING
    assert found(client, "火锅") == [] and found(client, "待审服务") == []
    assert found(client, "川菜") == ["/en/providers/copy/"]
    # A rejection keeps the approved copy public: the index keeps showing what the page shows.
    services.reject_profile(profile.pk, staff(), "请补充案例")
    assert found(client, "川菜") == ["/en/providers/copy/"] and found(client, "火锅") == []
    services.approve_profile(profile.pk, staff())
    assert found(client, "火锅") == ["/en/providers/copy/"]
    assert found(client, "待审服务") == ["/en/providers/copy/"]
    assert found(client, "川菜") == []


def test_withdrawn_profile_leaves_the_index(client, home_page):
    profile = make_profile(slug="gone", tagline="烘焙连锁的小程序", about="")
    assert found(client, "烘焙") == ["/en/providers/gone/"]
    services.withdraw_profile(profile.pk, staff())
    assert docs(profile) == 0 and found(client, "烘焙") == []


def test_removing_a_service_removes_its_words(client, home_page):
    profile = make_profile(slug="svc", services_=[{"title": "电子发票接入"}])
    service = profile.services.get()
    assert found(client, "電子發票") == ["/en/providers/svc/"]
    services.delete_service(admin_for(profile), service.pk)
    assert found(client, "電子發票") == []


def test_renamed_and_deleted_companies_follow(client, home_page):
    profile = make_profile(slug="named")
    provider = profile.provider
    provider.name = "味来数字科技"
    provider.save()
    assert found(client, "味來數字") == ["/en/providers/named/"]
    Provider.objects.filter(pk=provider.pk).delete()  # the profile goes with its company
    assert docs(profile) == 0 and found(client, "味来") == []


def test_rebuild_indexes_public_profiles_only(client, home_page):
    public = make_profile(slug="public-one", tagline="徽菜馆小程序", about="")
    make_profile(approve=False, slug="private-one", tagline="徽菜馆的草稿", about="")
    search.SearchDocument.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0)
    assert found(client, "徽菜") == ["/en/providers/public-one/"]
    assert docs(public) == 1


def test_search_page_query_count_does_not_grow_with_providers(
    client, home_page, django_assert_max_num_queries
):
    for n in range(8):
        make_profile(slug=f"many-{n}", tagline=f"闽菜馆第{n}家", about="")
    client.get("/en/search/", {"query": "闽菜"})  # warm caches
    with django_assert_max_num_queries(14):
        response = client.get("/en/search/", {"query": "闽菜"})
    assert len(response.context["results"]) == 8
