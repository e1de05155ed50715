"""The directory: filters (industry with sub-industries, city, product, service type, certified
lecturers, partnerships), Chinese search folding Traditional and Simplified, the explained
ranking, and a query count that does not grow with the number of providers."""

import re

import pytest

from academy.models import Industry
from showcase.models import ServiceKind
from tests.courses.content import make_case, make_case_index

from .helpers import certify, make_profile

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'class="stretched-link" href="/providers/([^/]+)/"', html)


@pytest.fixture
def tea(db):
    catering = Industry.objects.get(slug="catering")
    return Industry.objects.create(name="茶饮", slug="tea-drinks-t", parent=catering)


def test_industry_filter_includes_sub_industries(client, home_page, tea):
    make_profile(slug="tea-shop", industries=[tea])
    tools = list(Industry.objects.filter(slug="tools"))
    make_profile(slug="tools", industries=tools, services_=[{"industries": tools}])
    found = names(client.get("/providers/?industry=catering"))
    assert found == ["tea-shop"]
    assert names(client.get("/providers/?industry=tea-drinks-t")) == ["tea-shop"]
    # By name too, in either script, as people type it.
    assert names(client.get("/providers/?industry=餐饮")) == ["tea-shop"]
    assert names(client.get("/providers/?industry=餐飲")) == ["tea-shop"]


def test_service_industries_count_for_the_filter(client, home_page):
    make_profile(
        slug="invoices",
        industries=list(Industry.objects.filter(slug="business-services")),
        services_=[{"industries": list(Industry.objects.filter(slug="catering"))}],
    )
    assert names(client.get("/providers/?industry=catering")) == ["invoices"]


def test_city_product_service_type_and_partnership_filters(client, home_page):
    make_profile(slug="hz", cities="杭州", open_to_partnerships=True)
    make_profile(
        slug="sh",
        cities="上海",
        services_=[{"kind": ServiceKind.SAAS, "products": []}],
    )
    assert names(client.get("/providers/?city=杭州")) == ["hz"]
    assert names(client.get("/providers/?product=payments")) == ["hz"]
    assert names(client.get("/providers/?service=saas")) == ["sh"]
    assert names(client.get("/providers/?partners=on")) == ["hz"]


def test_certified_filter_and_ranking_explain_themselves(client, home_page):
    index = make_case_index(home_page)
    plain = make_profile(slug="plain")
    with_case = make_profile(slug="with-case")
    make_case(index, provider=with_case.provider)
    make_case(index, provider=with_case.provider)
    certified = make_profile(slug="certified")
    certify(certified.provider)
    response = client.get("/providers/")
    assert names(response) == ["certified", "with-case", "plain"]
    english = client.get("/en/providers/").content.decode()
    assert "1 certified lecturer" in english and "2 case studies" in english
    assert names(client.get("/providers/?certified=on")) == ["certified"]
    assert plain.slug not in names(client.get("/providers/?certified=on"))


def test_search_folds_traditional_and_simplified(client, home_page):
    make_profile(slug="simplified", tagline="餐饮门店的会员小程序", about="")
    make_profile(slug="traditional", tagline="餐飲門店的點餐系統", about="")
    homes = list(Industry.objects.filter(slug="local-services"))
    make_profile(
        slug="other",
        tagline="家政预约",
        about="",
        industries=homes,
        services_=[{"title": "上门保洁", "industries": homes}],
    )
    assert sorted(names(client.get("/providers/?q=餐飲"))) == ["simplified", "traditional"]
    assert sorted(names(client.get("/providers/?q=餐饮"))) == ["simplified", "traditional"]
    assert names(client.get("/providers/?q=家政")) == ["other"]


def test_search_finds_company_names_and_services(client, home_page):
    profile = make_profile(slug="named", services_=[{"title": "电子发票接入"}])
    assert names(client.get(f"/providers/?q={profile.provider.name[:4]}")) == ["named"]
    assert names(client.get("/providers/?q=電子發票")) == ["named"]


def test_unknown_filter_values_are_ignored_not_errors(client, home_page):
    make_profile(slug="one")
    assert client.get("/providers/?industry=nope&page=abc&city=x").status_code == 200


def test_pagination(client, home_page):
    for n in range(13):
        make_profile(slug=f"p{n:02d}", services_=())
    first = client.get("/providers/")
    second = client.get("/providers/?page=2")
    assert len(names(first)) == 12 and len(names(second)) == 1


def _many(count, home_page):
    index = make_case_index(home_page)
    for n in range(count):
        profile = make_profile(slug=f"many-{n}")
        certify(profile.provider)
        make_case(index, provider=profile.provider)


@pytest.mark.parametrize("count", [3, 30])
def test_directory_query_count_does_not_grow(
    client, home_page, count, django_assert_max_num_queries
):
    _many(count, home_page)
    client.get("/providers/")  # warm the site's own per-process caches
    with django_assert_max_num_queries(12):
        response = client.get("/providers/?industry=catering&partners=&q=餐")
    assert response.status_code == 200
    assert len(names(response)) == min(count, 12)


@pytest.mark.parametrize("count", [3, 30])
def test_api_query_count_does_not_grow(client, home_page, count, django_assert_max_num_queries):
    _many(count, home_page)
    with django_assert_max_num_queries(8):
        response = client.get("/api/showcase/providers/?limit=50")
    assert len(response.json()["items"]) == count


def test_directory_in_english_and_traditional(client, home_page):
    make_profile(slug="shown")
    for url in ("/en/providers/", "/zh-hant/providers/", "/en/providers/shown/"):
        assert client.get(url).status_code == 200
