"""Partner matching: the scoring function, suggestions among providers open to partnerships,
responding, and the introduction e-mail sent once."""

import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Product
from showcase import mail as showcase_mail
from showcase import services
from showcase.matching import NeedTags, score_match
from showcase.models import PartnerResponse, ServiceKind

from .helpers import admin_of, make_profile

INVOICING = {
    "cities": ["杭州", "广州"],
    "services": [
        {
            "title": "电子发票接入",
            "kind": "integration",
            "products": ["payments"],
            "description": "支付后自动开票",
        }
    ],
}


def test_score_counts_type_products_city_and_keywords():
    need = NeedTags(
        kind="integration", products=frozenset({"payments"}), city="杭州", keywords=("电子發票",)
    )
    match = score_match(need, INVOICING)
    assert match.score == 4 + 3 + 2 + 1
    assert match.reasons == ["kind", "product:payments", "keyword:电子發票", "city"]


def test_city_alone_is_no_match():
    need = NeedTags(kind="training", city="杭州")
    assert score_match(need, INVOICING).score == 0


def test_best_service_counts_not_the_sum():
    published = {"cities": [], "services": [INVOICING["services"][0]] * 3}
    need = NeedTags(kind="integration")
    assert score_match(need, published).score == 4


pytestmark_db = pytest.mark.django_db


@pytest.fixture
def need(db):
    asking = admin_of()
    data = {
        "title": "寻找杭州的电子发票合作伙伴",
        "description": "",
        "city": "杭州",
        "kind": ServiceKind.INTEGRATION,
        "products": list(Product.objects.filter(slug="payments")),
        "keywords": "电子发票",
    }
    return services.post_need(asking, data)


@pytest.mark.django_db
def test_suggestions_rank_open_matching_providers(need, home_page):
    invoicing = {
        "title": "电子发票接入",
        "kind": ServiceKind.INTEGRATION,
        "products": list(Product.objects.filter(slug="payments")),
    }
    best = make_profile(
        slug="best", cities="杭州", open_to_partnerships=True, services_=[invoicing]
    )
    partial = make_profile(
        slug="partial",
        cities="上海",
        open_to_partnerships=True,
        services_=[{"kind": ServiceKind.INTEGRATION, "products": []}],
    )
    make_profile(slug="closed", cities="杭州", open_to_partnerships=False, services_=[invoicing])
    make_profile(slug="unrelated", open_to_partnerships=True, services_=[{"products": []}])
    make_profile(
        admin=need.provider.memberships.get(role="admin"),
        slug="self",
        open_to_partnerships=True,
        services_=[invoicing],
    )
    suggested = [p.slug for p, _m in services.suggest_partners(need)]
    assert suggested == [best.slug, partial.slug]


@pytest.mark.django_db
def test_responding_introduces_both_admins_once(
    need, client, home_page, django_capture_on_commit_callbacks
):
    answering = make_profile(open_to_partnerships=True)
    responder = answering.provider.memberships.get(role="admin")
    asker = need.provider.memberships.get(role="admin")
    client.force_login(responder.user)
    url = reverse("showcase:team_need", args=[need.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "respond", "message": "我们做电子发票对接五年了。"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([asker.user.email, responder.user.email])
    assert "五年" in mail.outbox[0].body
    showcase_mail.email_introduction(PartnerResponse.objects.get().pk)
    assert len(mail.outbox) == 1
    again = client.post(url, {"action": "respond", "message": "再说一次"})
    assert again.status_code == 409


@pytest.mark.django_db
def test_own_need_shows_suggestions_and_cannot_be_answered(need, client, home_page):
    asker = need.provider.memberships.get(role="admin")
    client.force_login(asker.user)
    url = reverse("showcase:team_need", args=[need.pk])
    assert "Suggested partners" in client.get(f"/en{url}").content.decode()
    assert client.post(url, {"action": "respond", "message": "自己"}).status_code == 400
    client.post(url, {"action": "close"})
    need.refresh_from_db()
    assert need.status == "closed"


@pytest.mark.django_db
def test_closed_need_of_another_company_is_a_404(need, client, home_page):
    services.close_need(need.provider.memberships.get(role="admin"), need.pk)
    client.force_login(admin_of().user)
    assert client.get(reverse("showcase:team_need", args=[need.pk])).status_code == 404


@pytest.mark.django_db
def test_posting_a_need_from_the_team_side(client, home_page):
    admin = admin_of()
    client.force_login(admin.user)
    response = client.post(
        reverse("showcase:team_needs"),
        {"title": "找一家苏州的代运营伙伴", "city": "苏州", "kind": "operations", "keywords": ""},
    )
    assert response.status_code == 302
    assert client.post(reverse("showcase:team_needs"), {"title": ""}).status_code == 400


@pytest.mark.django_db
def test_directory_lists_only_providers_open_to_partnerships(client, home_page):
    make_profile(slug="open", open_to_partnerships=True)
    make_profile(slug="shut", open_to_partnerships=False)
    html = client.get("/providers/?partners=on").content.decode()
    assert "/providers/open/" in html and "/providers/shut/" not in html
