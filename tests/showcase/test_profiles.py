"""Profile visibility and moderation: nothing public before approval, an approved copy stays
public while a significant edit waits, and an admin edits only their own company."""

import pytest
from django.urls import reverse

from showcase import services
from showcase.models import ShowcaseProfile
from tests.factories import MembershipFactory

from .helpers import admin_of, make_profile, profile_data, service_data, staff

pytestmark = pytest.mark.django_db

Status = ShowcaseProfile.Status


def test_unapproved_profile_is_not_public(client, home_page):
    profile = make_profile(approve=False, tagline="尚未审核的简介")
    assert profile.status == Status.PENDING
    assert client.get(f"/providers/{profile.slug}/").status_code == 404
    assert "尚未审核的简介" not in client.get("/providers/").content.decode()
    assert client.get(f"/providers/{profile.slug}/enquire/").status_code == 404


def test_approval_publishes_the_profile(client, home_page):
    profile = make_profile(approve=False, tagline="认证讲师带队交付")
    services.approve_profile(profile.pk, staff())
    page = client.get(f"/providers/{profile.slug}/")
    assert page.status_code == 200
    assert "认证讲师带队交付" in page.content.decode()
    assert "认证讲师带队交付" in client.get("/providers/").content.decode()


def test_significant_edit_waits_for_review_while_the_approved_version_stays(client, home_page):
    profile = make_profile(tagline="旧的简介")
    admin = profile.provider.memberships.get(role="admin")
    edited = services.save_profile(
        admin, profile_data(slug=profile.slug, tagline="新的简介，夸大其词")
    )
    assert edited.status == Status.PENDING
    public = client.get(f"/providers/{profile.slug}/").content.decode()
    assert "旧的简介" in public and "夸大其词" not in public
    # A new service waits too.
    services.save_service(admin, None, service_data(title="未审核的服务"))
    assert "未审核的服务" not in client.get(f"/providers/{profile.slug}/").content.decode()

    services.approve_profile(profile.pk, staff())
    public = client.get(f"/providers/{profile.slug}/").content.decode()
    assert "夸大其词" in public and "未审核的服务" in public


def test_toggles_and_removals_apply_without_review(client, home_page):
    profile = make_profile(open_to_partnerships=False)
    admin = profile.provider.memberships.get(role="admin")
    service = profile.services.get()
    data = profile_data(
        slug=profile.slug,
        tagline=profile.tagline,
        about=profile.about,
        cities=profile.cities,
        active_since=profile.active_since,
        open_to_partnerships=True,
        show_growth_stage=True,
    )
    profile = services.save_profile(admin, data)
    assert profile.status == Status.APPROVED
    services.delete_service(admin, service.pk)
    profile.refresh_from_db()
    assert profile.status == Status.APPROVED
    assert profile.published_data["services"] == []
    page = client.get(f"/providers/{profile.slug}/").content.decode()
    assert "四周上线" not in page  # the removed service's description
    assert str(profile.provider.get_growth_stage_display()) in page


def test_undoing_an_edit_before_review_returns_to_approved(home_page):
    profile = make_profile(tagline="原样")
    admin = profile.provider.memberships.get(role="admin")
    fields = {
        "slug": profile.slug,
        "about": profile.about,
        "cities": profile.cities,
        "active_since": 2018,
    }
    assert services.save_profile(admin, profile_data(tagline="改了", **fields)).status == (
        Status.PENDING
    )
    assert services.save_profile(admin, profile_data(tagline="原样", **fields)).status == (
        Status.APPROVED
    )


def test_rejection_keeps_the_approved_copy_and_says_why(client, home_page):
    profile = make_profile(tagline="旧的简介")
    admin = profile.provider.memberships.get(role="admin")
    services.save_profile(admin, profile_data(slug=profile.slug, tagline="全国第一"))
    services.reject_profile(profile.pk, staff(), "请删去“全国第一”这类无法核实的说法。")
    profile.refresh_from_db()
    assert profile.status == Status.REJECTED
    assert "旧的简介" in client.get(f"/providers/{profile.slug}/").content.decode()
    client.force_login(admin.user)
    assert "无法核实" in client.get(reverse("showcase:team_profile")).content.decode()
    # Undoing the refused words leaves the approved version as it was: approved again.
    services.save_profile(admin, profile_data(slug=profile.slug, tagline="旧的简介"))
    profile.refresh_from_db()
    assert profile.status == Status.APPROVED


def test_admin_edits_their_own_company_from_the_team_side(client, home_page):
    admin = admin_of()
    client.force_login(admin.user)
    assert client.get(reverse("showcase:team_profile")).status_code == 200
    response = client.post(
        reverse("showcase:team_profile"),
        {
            "slug": "my-company",
            "tagline": "我们的简介",
            "about": "",
            "cities": "杭州",
            "active_since": "2020",
            "open_to_partnerships": "on",
        },
    )
    assert response.status_code == 302
    profile = ShowcaseProfile.objects.get(provider=admin.provider)
    assert profile.status == Status.PENDING and profile.tagline == "我们的简介"
    response = client.post(
        reverse("showcase:team_service_new"),
        {"title": "小程序开发", "kind": "development", "price_from": "100", "price_to": "50"},
    )
    assert response.status_code == 400  # the upper price is below the lower one


def test_admin_cannot_touch_another_companys_services(client, home_page):
    other = make_profile()
    other_service = other.services.get()
    mine = make_profile()
    me = mine.provider.memberships.get(role="admin")
    client.force_login(me.user)
    assert client.get(reverse("showcase:team_service", args=[other_service.pk])).status_code == 404
    response = client.post(reverse("showcase:team_service_delete", args=[other_service.pk]))
    assert response.status_code == 404
    assert other.services.filter(pk=other_service.pk).exists()
    with pytest.raises(services.ShowcaseRefused):
        services.save_service(me, other_service.pk, service_data(title="抢来的"))


def test_a_plain_member_is_refused_the_team_side(client, home_page):
    profile = make_profile()
    member = MembershipFactory(provider=profile.provider)
    client.force_login(member.user)
    assert client.get(reverse("showcase:team_profile")).status_code == 403
    assert client.get(reverse("showcase:team_enquiries")).status_code == 403


def test_taken_address_is_refused(home_page):
    make_profile(slug="taken")
    admin = admin_of()
    with pytest.raises(services.ShowcaseRefused) as refusal:
        services.save_profile(admin, profile_data(slug="taken"))
    assert refusal.value.status == 400


def test_profile_shows_listed_lecturers_with_verify_links_and_delivered_cases(client, home_page):
    from tests.courses.content import make_case, make_case_index

    from .helpers import certify

    profile = make_profile()
    certificate = certify(profile.provider)
    hidden = certify(profile.provider, listed=False)
    make_case(make_case_index(home_page), "茶饮连锁点单案例", provider=profile.provider)
    page = client.get(f"/providers/{profile.slug}/").content.decode()
    assert reverse("verify_certificate", args=[certificate.serial]) in page
    assert hidden.serial not in page
    assert "茶饮连锁点单案例" in page


def test_nothing_private_appears_on_the_profile(client, home_page):
    profile = make_profile()
    member = MembershipFactory(provider=profile.provider)
    page = client.get(f"/providers/{profile.slug}/").content.decode()
    admin = profile.provider.memberships.get(role="admin")
    for private in (admin.user.email, member.user.email, member.user.display_name):
        assert private not in page


def test_moderation_queue_approves_in_the_admin(client, home_page):
    profile = make_profile(approve=False)
    client.force_login(staff())
    queue = client.get(reverse("showcase_admin:queue"))
    assert queue.status_code == 200 and profile.provider.name in queue.content.decode()
    review = reverse("showcase_admin:review", args=[profile.pk])
    assert client.get(review).status_code == 200
    assert client.post(review, {"decision": "reject", "note": ""}).status_code == 400
    assert client.post(review, {"decision": "approve"}).status_code == 302
    profile.refresh_from_db()
    assert profile.status == Status.APPROVED and profile.is_public


def test_moderation_queue_needs_the_permission(client, home_page):
    client.force_login(admin_of().user)
    assert client.get(reverse("showcase_admin:queue")).status_code in (302, 403)
