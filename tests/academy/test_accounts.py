import pytest
from django.core import mail

from academy.models import JoinRequest, Membership, Provider, User
from tests.factories import ProviderFactory


def signup_data(**overrides):
    data = {
        "display_name": "张伟",
        "email": "zhang.wei@example.com",
        "password1": "Str0ng-passphrase!",
        "password2": "Str0ng-passphrase!",
        "company_choice": "create",
        "new_provider_name": "苏州新锐科技有限公司",
        "new_provider_city": "苏州",
    }
    data.update(overrides)
    return data


def test_signup_with_a_new_company_makes_its_first_admin(
    client, home_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302
    user = User.objects.get(email="zhang.wei@example.com")
    assert user.display_name == "张伟"
    assert user.membership.role == Membership.Role.ADMIN
    assert user.membership.provider.name == "苏州新锐科技有限公司"
    welcome = [m for m in mail.outbox if "/my-academy/" in m.body]
    assert len(welcome) == 1
    assert "苏州新锐科技有限公司" in welcome[0].body


def test_signup_with_an_existing_company_asks_to_join_instead_of_joining(client, home_page):
    provider = ProviderFactory(name="杭州云栈科技有限公司")
    response = client.post(
        "/accounts/signup/",
        signup_data(
            company_choice="join", company_name="杭州云栈科技有限公司", new_provider_name=""
        ),
    )
    assert response.status_code == 302
    user = User.objects.get(email="zhang.wei@example.com")
    assert user.membership is None
    request = JoinRequest.objects.get(user=user)
    assert (request.provider, request.status) == (provider, JoinRequest.Status.PENDING)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"company_choice": "join", "company_name": ""}, "company_name"),
        ({"company_choice": "join", "company_name": "没有这家公司"}, "company_name"),
        ({"new_provider_name": ""}, "new_provider_name"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_signup_errors_are_explained_and_nothing_is_written(client, home_page, overrides, field):
    response = client.post("/accounts/signup/", signup_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(email="zhang.wei@example.com").exists()
    assert not Provider.objects.filter(name="苏州新锐科技有限公司").exists()
    assert not JoinRequest.objects.exists()


def test_signup_refuses_to_register_a_company_twice(client, home_page):
    ProviderFactory(name="苏州新锐科技有限公司")
    # The same name in Traditional script, another case of spacing: still the same company.
    response = client.post(
        "/en/accounts/signup/", signup_data(new_provider_name=" 蘇州新銳科技有限公司 ")
    )
    assert response.status_code == 200
    assert "already in the academy" in str(response.context["form"].errors["new_provider_name"])
    assert not User.objects.filter(email="zhang.wei@example.com").exists()
    assert Provider.objects.count() == 1


def test_login_by_email_reaches_my_academy(client, home_page, member, password):
    response = client.post("/en/accounts/login/", {"login": member.email, "password": password})
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200
    assert member.membership.provider.name in page.content.decode()


def test_my_academy_requires_login(client, home_page):
    response = client.get("/my-academy/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_welcome_email_is_sent_once_even_if_the_task_runs_twice(member):
    from academy.tasks import send_welcome_email

    assert send_welcome_email.delay(member.pk).get() is True
    assert send_welcome_email.delay(member.pk).get() is False
    assert len([m for m in mail.outbox if member.email in m.to]) == 1


def test_password_reset_sends_a_link(client, home_page, member):
    response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert any("/accounts/password/reset/key/" in m.body for m in mail.outbox)
