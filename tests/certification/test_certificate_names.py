"""A certificate prints the holder's name, never their e-mail address: issuing without a name is
refused for officers (who may supply it) and waits for the holder when it is automatic; once the
holder gives their name, the waiting certificate is issued."""

import pytest
from django.test import Client
from wagtail.users.models import UserProfile

from certification.models import AuditEntry, Certificate, StatusList
from certification.services import issuing
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    make_exam,
    officer,
    pass_exam,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]


@pytest.fixture
def nameless():
    return UserFactory(display_name="", first_name="", last_name="")


@pytest.fixture
def officer_client():
    user = officer()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def nameless_client(nameless):
    client = Client()
    client.force_login(nameless)
    return client


def test_award_without_a_name_is_refused_and_writes_nothing(nameless):
    programme = simple_programme()
    with pytest.raises(issuing.NameRequired):
        issuing.award_certificate(nameless, programme, by=officer(), reason="特邀讲师")
    assert not Certificate.objects.exists()
    assert not StatusList.objects.filter(allocated__gt=0).exists()


def test_an_address_is_not_a_name(nameless):
    nameless.display_name = nameless.email
    nameless.save()
    with pytest.raises(issuing.NameRequired):
        award(nameless, simple_programme())
    certificate = award(UserFactory(display_name="陈思远"), simple_programme())
    with pytest.raises(issuing.NameRequired):
        issuing.reissue_certificate(
            certificate, by=officer(), reason="更正", holder_name="chen@example.com"
        )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID  # the reissue changed nothing


def test_officer_award_form_asks_for_the_name_and_saves_it_on_the_person(officer_client, nameless):
    programme = simple_programme()
    form = {"email": nameless.email, "programme": programme.pk, "reason": "特邀讲师"}
    response = officer_client.post("/admin/certification/award/", form)
    assert response.status_code == 400
    assert "has not given the name to print" in response.content.decode()
    assert not Certificate.objects.exists()
    response = officer_client.post(
        "/admin/certification/award/", {**form, "holder_name": "  林 小雨 "}
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(holder=nameless)
    assert certificate.holder_name == "林 小雨"
    nameless.refresh_from_db()
    assert nameless.display_name == "林 小雨"


def test_bulk_issue_refuses_people_without_a_name(officer_client, nameless):
    named = UserFactory(display_name="陈思远")
    response = officer_client.post(
        "/admin/certification/bulk/",
        {"programme": simple_programme().pk, "emails": f"{named.email}\n{nameless.email}"},
    )
    assert response.status_code == 400
    assert nameless.email in response.content.decode()
    assert not Certificate.objects.exists()


def test_automatic_issue_waits_for_the_name_then_runs_once_it_is_given(
    nameless, nameless_client, django_capture_on_commit_callbacks
):
    exam = make_exam()
    programme = simple_programme(exam=exam)
    pass_exam(nameless, exam)
    assert issuing.check_programmes(nameless) == []
    assert issuing.check_programmes(nameless) == []  # a second reaction records nothing new
    waiting = AuditEntry.objects.filter(action=AuditEntry.Action.AWAITING_NAME)
    assert [(w.subject_id, w.programme_id) for w in waiting] == [(nameless.pk, programme.pk)]
    assert not Certificate.objects.exists()

    page = nameless_client.get(f"/en/programmes/{programme.slug}/").content.decode()
    assert "Add your name to receive your certificate" in page
    my_academy = nameless_client.get("/en/my-academy/").content.decode()
    assert "Add your name to receive your certificates" in my_academy

    with django_capture_on_commit_callbacks(execute=True):
        response = nameless_client.post("/en/certificates/name/", {"name": "赵 敏"})
    assert response.status_code == 302
    certificate = Certificate.objects.get(holder=nameless, programme=programme)
    assert certificate.holder_name == "赵 敏" and certificate.status == "valid"
    page = nameless_client.get(f"/en/programmes/{programme.slug}/").content.decode()
    assert "Add your name" not in page


def test_name_form_refuses_addresses_blanks_and_control_characters(nameless_client, nameless):
    for junk in ("zhao@example.com", "   ", "赵\x01敏", "x" * 81):
        response = nameless_client.post("/en/certificates/name/", {"name": junk})
        assert response.status_code == 400, junk
    nameless.refresh_from_db()
    assert nameless.display_name == ""
    assert nameless_client.get("/en/certificates/name/").status_code == 200


def test_name_form_needs_login(client):
    response = client.get("/en/certificates/name/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
