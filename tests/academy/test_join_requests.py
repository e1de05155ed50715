"""Joining an existing company takes an administrator's approval (academy.services): sign-up and
My academy make a join request; nobody becomes a member on their own say-so."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import translation

from academy import services
from academy.forms import SignupForm
from academy.models import JoinRequest, Membership, Provider, User, company_name_key
from academy.tasks import notify_join_decision, notify_join_request
from tests.factories import JoinRequestFactory, MembershipFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Str0ng-passphrase!"


@pytest.fixture(autouse=True)
def english():
    """Errors are matched by their English wording (the default language is zh-hans)."""
    with translation.override("en"):
        yield


def signup(client, django_capture_on_commit_callbacks, **overrides):
    data = {
        "display_name": "张伟",
        "email": "zhang.wei@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "company_choice": "join",
        "company_name": "",
        "new_provider_name": "",
        "new_provider_city": "",
    }
    data.update(overrides)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/en/accounts/signup/", data)


def admin_of(provider) -> Membership:
    return MembershipFactory(provider=provider, role=Membership.Role.ADMIN)


# --- Matching a typed name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "港湾餐饮科技（香港）有限公司",  # as registered
        "  港灣餐飲科技（香港）有限公司 ",  # Traditional script, stray spaces
        "港湾餐饮科技(香港)有限公司",  # half-width brackets
    ],
)
def test_a_typed_name_matches_its_company_in_any_spelling(typed):
    provider = ProviderFactory(name="港湾餐饮科技（香港）有限公司")
    ProviderFactory(name="港湾餐饮")
    assert services.find_provider(typed) == provider


def test_latin_names_match_without_regard_to_case():
    provider = ProviderFactory(name="Cloudstack Digital Ltd")
    assert services.find_provider("cloudstack   DIGITAL ltd") == provider
    assert services.find_provider("Cloudstack") is None
    assert services.find_provider("   ") is None


def test_bulk_created_providers_get_their_matching_key():
    Provider.objects.bulk_create([Provider(name="批量服务商甲"), Provider(name="批量服務商乙")])
    assert services.find_provider("批量服务商乙").name == "批量服務商乙"
    assert Provider.objects.get(name="批量服务商甲").name_key == company_name_key("批量服务商甲")


# --- Sign-up --------------------------------------------------------------------------------------


def test_signup_with_an_existing_company_name_makes_a_pending_request_only(
    client, home_page, django_capture_on_commit_callbacks
):
    provider = ProviderFactory(name="杭州云栈科技有限公司")
    owner = admin_of(provider)
    MembershipFactory(provider=provider)  # a plain member is not asked
    response = signup(
        client, django_capture_on_commit_callbacks, company_name="  杭州雲棧科技有限公司"
    )
    assert response.status_code == 302
    user = User.objects.get(email="zhang.wei@example.com")
    assert not Membership.objects.filter(user=user).exists()
    request = JoinRequest.objects.get(user=user)
    assert request.provider == provider and request.status == JoinRequest.Status.PENDING
    assert request.language == "en"
    # The company's administrator is e-mailed, with the requester's name and address.
    notices = [m for m in mail.outbox if m.to == [owner.user.email]]
    assert len(notices) == 1
    assert "zhang.wei@example.com" in notices[0].body
    assert "/my-academy/team/" in notices[0].body
    # The welcome e-mail says the request is waiting.
    welcome = [m for m in mail.outbox if "Here is where to start" in m.body]
    assert len(welcome) == 1 and "waiting for one of its administrators" in welcome[0].body


def test_signup_page_lists_no_company(client, home_page):
    ProviderFactory(name="杭州云栈科技有限公司")
    ProviderFactory(name="Secret Partner Ltd")
    for path in ("/accounts/signup/", "/en/accounts/signup/", "/zh-hant/accounts/signup/"):
        body = client.get(path).content.decode()
        assert "云栈" not in body and "雲棧" not in body
        assert "Secret Partner" not in body
        assert 'name="company_name"' in body and "<select" not in body


def test_signup_with_an_unknown_company_is_explained_and_keeps_the_input(
    client, home_page, django_capture_on_commit_callbacks
):
    ProviderFactory(name="杭州云栈科技有限公司")
    response = signup(client, django_capture_on_commit_callbacks, company_name="杭州云栈")
    assert response.status_code == 200
    errors = str(response.context["form"].errors["company_name"])
    assert "No company of that name" in errors and "register a new company" in errors
    assert 'value="杭州云栈"' in response.content.decode()
    assert not User.objects.filter(email="zhang.wei@example.com").exists()
    assert not JoinRequest.objects.exists()


def test_registering_a_new_company_makes_its_first_admin(
    client, home_page, django_capture_on_commit_callbacks
):
    response = signup(
        client,
        django_capture_on_commit_callbacks,
        company_choice="create",
        new_provider_name=" 苏州新锐科技有限公司 ",
        new_provider_city="苏州",
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="zhang.wei@example.com")
    assert membership.role == Membership.Role.ADMIN
    assert membership.provider.name == "苏州新锐科技有限公司"
    assert not JoinRequest.objects.exists()


def test_a_company_registered_while_signing_up_becomes_a_request_never_a_membership(
    client, home_page, django_capture_on_commit_callbacks, monkeypatch
):
    """Someone registers the same name between the form's check and the save."""
    original = SignupForm.signup
    rival = {}

    def racing_signup(self, request, user):
        rival["provider"] = ProviderFactory(name="蘇州新銳科技有限公司")
        rival["admin"] = admin_of(rival["provider"])
        return original(self, request, user)

    monkeypatch.setattr(SignupForm, "signup", racing_signup)
    response = signup(
        client,
        django_capture_on_commit_callbacks,
        company_choice="create",
        new_provider_name="苏州新锐科技有限公司",
    )
    assert response.status_code == 302
    user = User.objects.get(email="zhang.wei@example.com")
    assert not Membership.objects.filter(user=user).exists()
    assert JoinRequest.objects.get(user=user).provider == rival["provider"]
    assert Provider.objects.count() == 1


def test_create_provider_name_collision_in_the_database_is_never_a_membership(monkeypatch):
    """The unique matching key decides a race the service's own check did not see."""
    ProviderFactory(name="苏州新锐科技有限公司")
    real = services.find_provider
    answers = iter([None])  # the service's first look misses the rival's fresh row
    monkeypatch.setattr(services, "find_provider", lambda name: next(answers, real(name)))
    user = UserFactory()
    with pytest.raises(services.CompanyNameTaken):
        services.create_provider(user, "蘇州新銳科技有限公司")
    assert not Membership.objects.filter(user=user).exists()
    assert Provider.objects.count() == 1


# --- Requests: the rules --------------------------------------------------------------------------


def test_one_pending_request_per_person():
    user = UserFactory()
    first, second = ProviderFactory(), ProviderFactory()
    request = services.request_to_join(user, first)
    assert services.request_to_join(user, first) == request  # asking again: the same request
    with pytest.raises(services.MembershipError, match="already asked to join"):
        services.request_to_join(user, second)
    # The database holds it too, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        JoinRequest.objects.create(user=user, provider=second)
    services.withdraw_join_request(user, request.pk)
    assert services.request_to_join(user, second).provider == second


def test_a_member_cannot_ask_to_join():
    membership = MembershipFactory()
    with pytest.raises(services.MembershipError, match="already belong"):
        services.request_to_join(membership.user, ProviderFactory())
    assert not JoinRequest.objects.exists()


def test_approve_makes_a_member_and_tells_the_requester(django_capture_on_commit_callbacks):
    request = JoinRequestFactory()
    owner = admin_of(request.provider)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.approve_join_request(owner, request.pk)
    assert (membership.user, membership.provider) == (request.user, request.provider)
    assert membership.role == Membership.Role.MEMBER
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED and request.decided_by == owner.user
    [message] = [m for m in mail.outbox if m.to == [request.user.email]]
    assert "approved" in message.body and request.provider.name in message.subject


def test_approving_twice_is_safe(django_capture_on_commit_callbacks):
    request = JoinRequestFactory()
    owner = admin_of(request.provider)
    other_admin = admin_of(request.provider)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.approve_join_request(owner, request.pk)
        again = services.approve_join_request(other_admin, request.pk)
    assert first.pk == again.pk
    assert Membership.objects.filter(user=request.user).count() == 1
    assert len([m for m in mail.outbox if m.to == [request.user.email]]) == 1


def test_decline_needs_a_reason_and_the_requester_reads_it(django_capture_on_commit_callbacks):
    request = JoinRequestFactory(language="zh-hans")
    owner = admin_of(request.provider)
    with pytest.raises(services.MembershipError) as error:
        services.decline_join_request(owner, request.pk, "   ")
    assert error.value.status == 400
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_join_request(owner, request.pk, "我们公司没有这位员工。")
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.DECLINED
    assert not Membership.objects.filter(user=request.user).exists()
    [message] = [m for m in mail.outbox if m.to == [request.user.email]]
    assert "我们公司没有这位员工。" in message.body
    assert "您好" in message.body  # in the language the requester asked in
    # Approving a declined request is refused.
    with pytest.raises(services.MembershipError, match="already declined"):
        services.approve_join_request(owner, request.pk)


def test_a_declined_person_asks_the_same_company_again_only_after_a_week(time_machine):
    time_machine.move_to("2026-11-30 09:00 +08:00")
    request = JoinRequestFactory()
    services.decline_join_request(admin_of(request.provider), request.pk, "Not one of ours.")
    with pytest.raises(services.MembershipError, match="ask again from") as error:
        services.request_to_join(request.user, request.provider)
    assert error.value.status == 429
    # Another company is not affected.
    services.request_to_join(request.user, ProviderFactory())
    services.withdraw_join_request(request.user, JoinRequest.objects.get(status="pending").pk)
    time_machine.shift(timedelta(days=7, minutes=1))
    assert services.request_to_join(request.user, request.provider).status == "pending"


def test_withdrawing_and_asking_again_cannot_flood_the_administrators():
    user, provider = UserFactory(), ProviderFactory()
    for _ in range(services.REQUESTS_PER_DAY):
        asked = services.request_to_join(user, provider)
        services.withdraw_join_request(user, asked.pk)
    with pytest.raises(services.MembershipError, match="several times today"):
        services.request_to_join(user, provider)
    assert JoinRequest.objects.filter(user=user).count() == services.REQUESTS_PER_DAY


def test_another_companys_admin_cannot_decide():
    request = JoinRequestFactory()
    stranger = admin_of(ProviderFactory())
    for decide in (
        lambda: services.approve_join_request(stranger, request.pk),
        lambda: services.decline_join_request(stranger, request.pk, "不认识"),
    ):
        with pytest.raises(services.MembershipError) as error:
            decide()
        assert error.value.status == 404
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING
    assert not Membership.objects.filter(user=request.user).exists()


def test_a_plain_member_or_a_demoted_admin_cannot_decide():
    request = JoinRequestFactory()
    member = MembershipFactory(provider=request.provider)
    with pytest.raises(services.MembershipError) as error:
        services.approve_join_request(member, request.pk)
    assert error.value.status == 403
    demoted = admin_of(request.provider)
    Membership.objects.filter(pk=demoted.pk).update(role=Membership.Role.MEMBER)
    with pytest.raises(services.MembershipError):
        services.decline_join_request(demoted, request.pk, "x")
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING


def test_withdrawn_request_cannot_be_approved_and_only_its_owner_withdraws():
    request = JoinRequestFactory()
    owner = admin_of(request.provider)
    with pytest.raises(services.MembershipError) as error:
        services.withdraw_join_request(UserFactory(), request.pk)
    assert error.value.status == 404
    services.withdraw_join_request(request.user, request.pk)
    with pytest.raises(services.MembershipError, match="withdrew"):
        services.approve_join_request(owner, request.pk)
    assert not Membership.objects.filter(user=request.user).exists()


def test_registering_a_company_closes_the_open_request():
    request = JoinRequestFactory()
    membership = services.create_provider(request.user, "新注册的服务商")
    assert membership.role == Membership.Role.ADMIN
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WITHDRAWN


# --- E-mails: once each -----------------------------------------------------------------------


def test_each_email_goes_once_even_if_its_task_runs_twice():
    request = JoinRequestFactory()
    owners = [admin_of(request.provider), admin_of(request.provider)]
    assert notify_join_request.delay(request.pk).get() is True
    assert notify_join_request.delay(request.pk).get() is False
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.user.email for o in owners)
    services.approve_join_request(owners[0], request.pk)
    mail.outbox.clear()
    assert notify_join_decision.delay(request.pk).get() is True
    assert notify_join_decision.delay(request.pk).get() is False
    assert [m.to for m in mail.outbox] == [[request.user.email]]


def test_no_notice_for_a_request_withdrawn_before_the_task_ran():
    request = JoinRequestFactory()
    admin_of(request.provider)
    services.withdraw_join_request(request.user, request.pk)
    assert notify_join_request.delay(request.pk).get() is False
    assert mail.outbox == []


# --- My academy -----------------------------------------------------------------------------------


def test_my_academy_asks_to_join_by_name_shows_the_status_and_withdraws(
    client, django_capture_on_commit_callbacks
):
    provider = ProviderFactory(name="深圳微店通信息技术有限公司")
    owner = admin_of(provider)
    user = UserFactory()
    client.force_login(user)
    page = client.get("/en/my-academy/")
    assert 'action="/en/my-academy/company/join/"' in page.content.decode()
    response = client.post("/en/my-academy/company/join/", {"company_name": "没有的公司"})
    assert response.status_code == 400
    assert "No company of that name" in response.content.decode()
    assert 'value="没有的公司"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/my-academy/company/join/", {"company_name": "深圳微店通信息技术有限公司"}
        )
    assert response.status_code == 302
    request = JoinRequest.objects.get(user=user, status="pending")
    assert [m.to for m in mail.outbox] == [[owner.user.email]]
    body = client.get("/en/my-academy/").content.decode()
    assert "Waiting for approval" in body and "Withdraw the request" in body
    assert provider.get_growth_stage_display() not in body  # the name only, no company data
    response = client.post(f"/en/my-academy/company/requests/{request.pk}/withdraw/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WITHDRAWN


def test_my_academy_shows_a_decline_and_its_reason(client):
    request = JoinRequestFactory()
    services.decline_join_request(admin_of(request.provider), request.pk, "请先联系我们的人事部门")
    client.force_login(request.user)
    body = client.get("/en/my-academy/").content.decode()
    assert "declined your request" in body and "请先联系我们的人事部门" in body
    assert 'action="/en/my-academy/company/join/"' in body  # they may ask again


def test_my_academy_registers_a_company_but_never_a_taken_one(client):
    ProviderFactory(name="杭州云栈科技有限公司")
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/en/my-academy/company/register/", {"new_provider_name": "杭州雲棧科技有限公司"}
    )
    assert response.status_code == 400
    assert "already in the academy" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
    response = client.post(
        "/en/my-academy/company/register/",
        {"new_provider_name": "宁波新店科技有限公司", "new_provider_city": "宁波"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=user).role == Membership.Role.ADMIN


def test_company_forms_need_a_login_and_a_post(client):
    assert client.post("/my-academy/company/join/", {"company_name": "x"}).status_code == 302
    client.force_login(UserFactory())
    assert client.get("/my-academy/company/join/").status_code == 405


# --- Staff admin ------------------------------------------------------------------------------


def test_staff_list_join_requests_read_only(client, home_page):
    from django.contrib.auth.models import Group

    from academy import roles

    request = JoinRequestFactory(provider=ProviderFactory(name="可筛选的服务商"))
    JoinRequestFactory(status=JoinRequest.Status.DECLINED)
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.ACADEMY_EDITORS))
    client.force_login(editor)
    response = client.get("/admin/join_requests/?status=pending")
    assert response.status_code == 200
    assert request.user.email in response.content.decode() or str(request.user) in (
        response.content.decode()
    )
    assert len(response.context["object_list"]) == 1
    response = client.get(f"/admin/join_requests/?provider={request.provider_id}")
    assert [r.pk for r in response.context["object_list"]] == [request.pk]
    assert client.get(f"/admin/join_requests/inspect/{request.pk}/").status_code == 200
    # Changing a request happens on the team page only.
    assert client.get("/admin/join_requests/new/").status_code in (302, 403)
    assert client.get(f"/admin/join_requests/edit/{request.pk}/").status_code in (302, 403)


def test_a_member_posting_the_company_forms_is_refused_in_words(client):
    membership = MembershipFactory()
    other = ProviderFactory(name="另一家服务商")
    client.force_login(membership.user)
    response = client.post("/en/my-academy/company/join/", {"company_name": "另一家服务商"})
    assert response.status_code == 409
    assert "already belong" in response.content.decode()
    response = client.post("/en/my-academy/company/register/", {"new_provider_name": "第三家"})
    assert response.status_code == 409
    assert "already belong" in response.content.decode()
    assert not JoinRequest.objects.exists()
    assert Membership.objects.get(user=membership.user).provider != other
    assert not Provider.objects.filter(name="第三家").exists()
