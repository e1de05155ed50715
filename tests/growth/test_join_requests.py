"""Join requests on the team page, and a pending requester's (lack of) access to company pages."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from academy.models import GrowthStage, JoinRequest, Membership
from growth.models import Diagnosis
from growth.services.team import accept_invitation, invite
from tests.factories import JoinRequestFactory, MembershipFactory, UserFactory
from tests.growth.factories import admin_of, answers_for, make_questionnaire

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-2026"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _company_with_a_result():
    """A company with an admin and a completed diagnosis (the data a stranger must not see)."""
    from growth.services.diagnosis import complete_diagnosis, save_answers, start_diagnosis

    make_questionnaire()
    admin = admin_of()
    draft = start_diagnosis(admin.user, admin.provider)
    save_answers(draft, answers_for(draft, {d: [2, 2] for d in GrowthStage.values}), by=admin.user)
    return admin, complete_diagnosis(draft, by=admin.user)


def _closed(response) -> bool:
    """A refusal (403, 404 or a redirect to log in), never the company's data."""
    return response.status_code in (403, 404) or (
        response.status_code == 302 and "/accounts/login/" in response.url
    )


def test_a_stranger_who_signed_up_with_the_company_name_sees_nothing_until_approved(
    client, home_page, django_capture_on_commit_callbacks
):
    admin, result = _company_with_a_result()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/accounts/signup/",
            {
                "display_name": "陌生人",
                "email": "stranger@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "company_choice": "join",
                "company_name": admin.provider.name,
            },
        )
    assert response.status_code == 302
    stranger = UserFactory._meta.model.objects.get(email="stranger@example.com")
    assert not Membership.objects.filter(user=stranger).exists()
    client.force_login(stranger)
    company_pages = [
        "/en/diagnosis/",
        reverse("growth:diagnosis_result", args=[result.pk]),
        reverse("growth:diagnosis_step", args=[result.pk, "create"]),
        "/en/my-academy/team/",
        "/en/my-academy/team/export.csv",
    ]
    for path in company_pages:
        response = client.get(path)
        assert _closed(response), path
        assert f"{result.total_percent}%" not in response.content.decode()
    # The diagnosis page says the request is waiting, in words.
    assert "waiting for one of its administrators" in client.get("/en/diagnosis/").content.decode()
    for path in ("/en/diagnosis/start/", "/en/my-academy/team/invite/"):
        assert _closed(client.post(path, {"email": "x@example.com"})), path
    assert Diagnosis.objects.filter(provider=admin.provider).count() == 1

    # The admin approves on the team page: now the company's pages open.
    request = JoinRequest.objects.get(user=stranger)
    client.force_login(admin.user)
    page = client.get("/en/my-academy/team/")
    assert "stranger@example.com" in page.content.decode()
    assert page.context["join_requests"] == [request]
    response = client.post(reverse("growth:team_approve", args=[request.pk]))
    assert response.status_code == 302
    assert Membership.objects.get(user=stranger).provider == admin.provider
    client.force_login(stranger)
    assert client.get("/en/diagnosis/").status_code == 200
    assert client.get(reverse("growth:diagnosis_result", args=[result.pk])).status_code == 200
    assert client.get("/en/my-academy/team/").status_code == 403  # a member, not an admin


def test_decline_on_the_team_page_emails_the_reason_and_gives_no_access(
    client, django_capture_on_commit_callbacks
):
    admin, _ = _company_with_a_result()
    request = JoinRequestFactory(provider=admin.provider)
    client.force_login(admin.user)
    response = client.post(reverse("growth:team_decline", args=[request.pk]), {"reason": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("growth:team_decline", args=[request.pk]),
            {"reason": "We have no colleague of that name."},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.DECLINED
    [message] = [m for m in mail.outbox if m.to == [request.user.email]]
    assert "We have no colleague of that name." in message.body
    assert "declined" in message.subject
    client.force_login(request.user)
    assert client.get("/en/diagnosis/").status_code == 403
    assert client.get("/en/my-academy/team/").status_code == 403


def test_another_companys_admin_gets_404_and_a_member_403(client):
    request = JoinRequestFactory()
    admin_of(request.provider)
    client.force_login(admin_of().user)
    for name in ("growth:team_approve", "growth:team_decline"):
        response = client.post(reverse(name, args=[request.pk]), {"reason": "no"})
        assert response.status_code == 404, name
    member = MembershipFactory(provider=request.provider)
    client.force_login(member.user)
    for name in ("growth:team_approve", "growth:team_decline"):
        response = client.post(reverse(name, args=[request.pk]), {"reason": "no"})
        assert response.status_code == 403, name
        assert "For company administrators" in response.content.decode()
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING
    assert Membership.objects.filter(provider=request.provider).count() == 2


def test_approve_needs_a_post(client):
    request = JoinRequestFactory()
    client.force_login(admin_of(request.provider).user)
    assert client.get(reverse("growth:team_approve", args=[request.pk])).status_code == 405


def test_double_approve_over_http_makes_one_member(client, django_capture_on_commit_callbacks):
    request = JoinRequestFactory()
    client.force_login(admin_of(request.provider).user)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            response = client.post(reverse("growth:team_approve", args=[request.pk]))
            assert response.status_code == 302
    assert Membership.objects.filter(user=request.user).count() == 1
    assert len([m for m in mail.outbox if m.to == [request.user.email]]) == 1


def test_team_page_without_requests_shows_an_empty_state(client):
    client.force_login(admin_of().user)
    body = client.get("/en/my-academy/team/").content.decode()
    assert "Join requests" in body and "No one is waiting to join" in body


def test_accepting_an_invitation_joins_at_once_and_closes_the_pending_request():
    elsewhere = JoinRequestFactory()
    admin = admin_of()
    invitation = invite(admin, elsewhere.user.email)
    membership = accept_invitation(invitation.token, elsewhere.user)
    assert membership.provider == admin.provider
    elsewhere.refresh_from_db()
    assert elsewhere.status == JoinRequest.Status.WITHDRAWN
    # The other company's admin can no longer let them in twice.
    from academy import services

    with pytest.raises(services.MembershipError):
        services.approve_join_request(admin_of(elsewhere.provider), elsewhere.pk)
    assert Membership.objects.filter(user=elsewhere.user).count() == 1
