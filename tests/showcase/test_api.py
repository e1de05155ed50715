"""The read-only JSON: the same visibility as the pages (approved copies only)."""

import pytest

from academy.models import Industry
from showcase import services

from .helpers import certify, make_profile, profile_data

pytestmark = pytest.mark.django_db


def test_directory_json_lists_only_approved_profiles(client, home_page):
    shown = make_profile(slug="shown", show_growth_stage=False)
    make_profile(slug="hidden", approve=False)
    certify(shown.provider)
    data = client.get("/api/showcase/providers/").json()
    assert [item["slug"] for item in data["items"]] == ["shown"]
    item = data["items"][0]
    assert item["certified_lecturers"] == 1 and "growth_stage" not in item
    assert "email" not in str(data)


def test_profile_json_shows_the_approved_copy_not_a_pending_edit(client, home_page):
    profile = make_profile(slug="p", tagline="已批准")
    admin = profile.provider.memberships.get(role="admin")
    services.save_profile(admin, profile_data(slug="p", tagline="待审核"))
    data = client.get("/api/showcase/providers/p/").json()
    assert data["tagline"] == "已批准" and data["services"][0]["title"] == "点单小程序"
    assert data["url"].endswith("/providers/p/")


def test_unapproved_or_unknown_profile_is_a_json_404(client, home_page):
    make_profile(slug="draft", approve=False)
    for slug in ("draft", "nope"):
        response = client.get(f"/api/showcase/providers/{slug}/")
        assert response.status_code == 404 and "message" in response.json()


def test_filters_and_search_apply_to_the_json(client, home_page):
    make_profile(slug="a", tagline="餐飲點餐", about="")
    homes = list(Industry.objects.filter(slug="local-services"))
    make_profile(
        slug="b",
        tagline="家政",
        about="",
        industries=homes,
        services_=[{"title": "家政预约", "industries": homes}],
    )
    data = client.get("/api/showcase/providers/?q=餐饮").json()
    assert [i["slug"] for i in data["items"]] == ["a"]
    assert client.get("/api/showcase/providers/?limit=abc&page=zz").status_code == 200
