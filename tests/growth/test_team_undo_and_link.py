"""Destructive team actions ask first and can be undone for a few minutes; the company's join
link expires, can be replaced or switched off, and says why when it no longer works."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from academy.models import JoinRequest, Membership
from growth.models import Invitation, JoinLink, MemberRemoval
from growth.services import GrowthError
from growth.services.team import (
    disable_join_link,
    invite,
    join_by_link,
    remove_member,
    renew_join_link,
    restore_member,
)
from tests.factories import JoinRequestFactory, MembershipFactory, UserFactory
from tests.growth.factories import admin_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- Remove: confirm, then undo -----------------------------------------------------------------


def test_remove_asks_first_then_can_be_undone(client):
    admin = admin_of()
    member = MembershipFactory(provider=admin.provider, role=Membership.Role.ADMIN)
    joined = member.joined_at
    client.force_login(admin.user)
    url = f"/en/my-academy/team/members/{member.pk}/remove/"
    # The team page links to a confirmation page; opening it changes nothing.
    assert url in client.get("/en/my-academy/team/").content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "Remove" in body and f'action="{url}"' in body and 'method="post"' in body
    assert Membership.objects.filter(pk=member.pk).exists()

    response = client.post(url)
    assert response.status_code == 302 and response.url.endswith("#undo")
    assert not Membership.objects.filter(user=member.user).exists()
    removal = MemberRemoval.objects.get()
    page = client.get("/en/my-academy/team/").content.decode()
    undo_url = f"/en/my-academy/team/removals/{removal.pk}/restore/"
    assert undo_url in page

    assert client.post(undo_url).status_code == 302
    restored = Membership.objects.get(user=member.user)
    assert restored.provider == admin.provider and restored.role == Membership.Role.ADMIN
    assert restored.joined_at == joined
    # Pressed twice: still one membership, no error.
    assert client.post(undo_url).status_code == 302
    assert Membership.objects.filter(user=member.user).count() == 1
    assert undo_url not in client.get("/en/my-academy/team/").content.decode()


def test_undo_expires_and_refuses_someone_who_joined_elsewhere():
    admin = admin_of()
    member = MembershipFactory(provider=admin.provider)
    removal = remove_member(admin, member.pk)
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False),
        pytest.raises(GrowthError, match="too late") as refused,
    ):
        restore_member(admin, removal.pk)
    assert refused.value.status == 409

    other = MembershipFactory(provider=admin.provider)
    removal = remove_member(admin, other.pk)
    Membership.objects.create(user=other.user, provider=admin_of().provider)
    with pytest.raises(GrowthError, match="another company"):
        restore_member(admin, removal.pk)


def test_last_admin_rule_holds_and_other_companies_get_404(client):
    admin = admin_of()
    with pytest.raises(GrowthError, match="at least one administrator"):
        remove_member(admin, admin.pk)
    stranger = MembershipFactory()
    other_admin = admin_of(stranger.provider)
    removal = remove_member(other_admin, stranger.pk)
    client.force_login(admin.user)
    assert client.get(f"/en/my-academy/team/members/{other_admin.pk}/remove/").status_code == 404
    assert client.post(f"/en/my-academy/team/removals/{removal.pk}/restore/").status_code == 404
    assert not Membership.objects.filter(user=stranger.user).exists()
    member = MembershipFactory()
    client.force_login(member.user)  # not an admin: the team's actions are closed
    assert client.get(f"/en/my-academy/team/members/{admin.pk}/remove/").status_code == 403


# --- Withdraw an invitation: confirm, then undo --------------------------------------------------


def test_withdraw_asks_first_then_can_be_undone(client):
    admin = admin_of()
    invitation = invite(admin, "later@example.com")
    client.force_login(admin.user)
    url = f"/en/my-academy/team/invitations/{invitation.pk}/revoke/"
    assert client.get(url).status_code == 200
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    undo_url = f"/en/my-academy/team/invitations/{invitation.pk}/restore/"
    assert undo_url in client.get("/en/my-academy/team/").content.decode()
    assert client.post(undo_url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.is_open
    # Another company's admin sees neither the confirmation nor the undo.
    client.force_login(admin_of().user)
    assert client.get(url).status_code == 404
    assert client.post(undo_url).status_code == 404


def test_undoing_a_withdrawal_after_a_new_invitation_is_refused(client):
    admin = admin_of()
    first = invite(admin, "again@example.com")
    client.force_login(admin.user)
    client.post(f"/en/my-academy/team/invitations/{first.pk}/revoke/")
    invite(admin, "again@example.com")
    response = client.post(f"/en/my-academy/team/invitations/{first.pk}/restore/")
    assert response.status_code == 409 and "invited again" in response.content.decode()
    assert Invitation.objects.filter(email="again@example.com", revoked_at=None).count() == 1


# --- The join link -------------------------------------------------------------------------------


def test_join_link_joins_as_member_after_a_confirmation(client):
    admin = admin_of()
    client.force_login(admin.user)
    assert client.post("/en/my-academy/team/join-link/", {"action": "renew"}).status_code == 302
    link = JoinLink.objects.get(provider=admin.provider)
    page = client.get("/en/my-academy/team/").content.decode()
    assert f"/join/{link.token}/" in page and "readonly" in page

    newcomer = UserFactory()
    pending = JoinRequestFactory(user=newcomer, provider=admin.provider)
    client.force_login(newcomer)
    url = f"/en/join/{link.token}/"
    assert client.get(url).status_code == 200  # a preview joins nobody
    assert not Membership.objects.filter(user=newcomer).exists()
    assert client.post(url).status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert membership.provider == admin.provider and membership.role == Membership.Role.MEMBER
    pending.refresh_from_db()
    assert pending.status != JoinRequest.Status.PENDING


def test_anonymous_visitor_joins_after_signing_up(client):
    admin = admin_of()
    link = renew_join_link(admin)
    response = client.post(f"/join/{link.token}/")
    assert response.status_code == 302 and "/accounts/signup/" in response.url
    response = client.post(
        "/accounts/signup/",
        {
            "email": "viaLink@example.com",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
            "display_name": "新同事",
            "company_choice": "join",
            "company_name": admin.provider.name,
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    membership = Membership.objects.get(user__email__iexact="vialink@example.com")
    assert membership.provider == admin.provider


def test_expired_replaced_and_disabled_links_say_why(client):
    admin = admin_of()
    link = renew_join_link(admin)
    user = UserFactory()
    client.force_login(user)
    with time_machine.travel(link.expires_at + timedelta(minutes=1), tick=False):
        response = client.get(f"/en/join/{link.token}/")
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        assert client.post(f"/en/join/{link.token}/").status_code == 410
    old_token = link.token
    renewed = renew_join_link(admin)
    assert renewed.token != old_token and renewed.status == "open"
    response = client.post(f"/en/join/{old_token}/")
    assert response.status_code == 404 and "not valid" in response.content.decode()
    disable_join_link(admin)
    response = client.post(f"/en/join/{renewed.token}/")
    assert response.status_code == 410 and "switched off" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_join_link_refuses_a_member_of_another_company():
    admin = admin_of()
    link = renew_join_link(admin)
    elsewhere = MembershipFactory()
    with pytest.raises(GrowthError, match="already belong"):
        join_by_link(link.token, elsewhere.user)
    # Someone already in the team stays as they are (an admin stays an admin).
    assert join_by_link(link.token, admin.user).role == Membership.Role.ADMIN


def test_only_admins_manage_the_link(client):
    member = MembershipFactory()
    client.force_login(member.user)
    assert client.post("/en/my-academy/team/join-link/", {"action": "renew"}).status_code == 403
    assert not JoinLink.objects.exists()
