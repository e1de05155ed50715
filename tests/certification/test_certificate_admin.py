"""Officers in the Wagtail admin: certificate list with filters and CSV, revoke with a reason,
manual award, bulk issue with progress, application review, audit log."""

import pytest
from django.urls import reverse

from certification.models import ApprovalApplication, AuditEntry, Certificate
from tests.certification.factories_programmes import (  # noqa: F401
    Kind,
    award,
    make_programme,
    officer,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]


@pytest.fixture
def officer_client(client):
    client.force_login(officer())
    return client


def test_certificate_list_filters_and_csv(officer_client):
    certificate = award(UserFactory(display_name="陈思远"), simple_programme())
    response = officer_client.get(reverse("certificates:index"), {"status": "valid"})
    assert response.status_code == 200 and certificate.serial in response.content.decode()
    csv = officer_client.get(reverse("certificates:index"), {"export": "csv"})
    assert csv.status_code == 200
    assert certificate.serial in b"".join(csv.streaming_content).decode()


def test_revoke_through_the_admin_needs_a_reason(officer_client):
    certificate = award(UserFactory(), simple_programme())
    url = reverse("certification_admin:revoke", args=[certificate.pk])
    assert officer_client.post(url, {"reason": ""}).status_code == 400
    assert officer_client.post(url, {"reason": "冒用他人身份"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_reason == "冒用他人身份"


def test_manual_award_and_bulk_issue(officer_client, django_capture_on_commit_callbacks):
    programme = simple_programme()
    holder = UserFactory()
    response = officer_client.post(
        reverse("certification_admin:award"),
        {"email": holder.email, "programme": programme.pk, "reason": "特邀讲师"},
    )
    assert response.status_code == 302
    assert Certificate.objects.filter(holder=holder, origin="manual").exists()
    others = [UserFactory() for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("certification_admin:bulk_issue"),
            {"programme": programme.pk, "emails": "\n".join(u.email for u in others)},
        )
    assert response.status_code == 302
    progress = officer_client.get(response["Location"])
    assert progress.status_code == 200 and "<progress" in progress.content.decode()
    data = officer_client.get(response["Location"], {"format": "json"}).json()
    assert data == {"done": 2, "total": 2, "issued": 2, "failed": 0, "finished": True}


def test_bulk_issue_with_unknown_email_is_400(officer_client):
    response = officer_client.post(
        reverse("certification_admin:bulk_issue"),
        {"programme": simple_programme().pk, "emails": "nobody@example.com"},
    )
    assert response.status_code == 400


def test_review_application_and_audit_log(officer_client, django_capture_on_commit_callbacks):
    programme = make_programme(requirements=[(1, Kind.OFFICER_APPROVAL, {})])
    applicant = UserFactory()
    application = ApprovalApplication.objects.create(applicant=applicant, programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("certification_admin:review", args=[application.pk]),
            {"decision": "approve", "notes": "试讲优秀"},
        )
    assert response.status_code == 302
    # Approval was the last requirement: the certificate follows.
    assert Certificate.objects.filter(holder=applicant, programme=programme).exists()
    assert AuditEntry.objects.filter(action="approved", reason="试讲优秀").exists()
    log = officer_client.get(reverse("certification_audit:index"))
    assert log.status_code == 200 and "试讲优秀" in log.content.decode()


def test_members_cannot_use_officer_actions(client):
    certificate = award(UserFactory(), simple_programme())
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("certification_admin:revoke", args=[certificate.pk]), {"reason": "x"}
    )
    assert response.status_code in (302, 403)
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_programme_editor_with_requirements_and_certificate_settings(officer_client):
    programme = simple_programme()
    assert officer_client.get(reverse("programmes:index")).status_code == 200
    assert officer_client.get(reverse("programmes:add")).status_code == 200
    edit = officer_client.get(reverse("programmes:edit", args=[programme.pk]))
    assert edit.status_code == 200 and "requirements-TOTAL_FORMS" in edit.content.decode()
    settings_page = officer_client.get(
        reverse("wagtailsettings:edit", args=["certification", "certificatesettings"]),
        follow=True,
    )
    assert settings_page.status_code == 200
    assert 'name="signature_image"' in settings_page.content.decode()
    assert officer_client.get(reverse("approval_applications:index")).status_code == 200


def test_officer_menu_leads_to_award_and_bulk_issue(officer_client):
    html = officer_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("certification_admin:award") in html
    assert reverse("certification_admin:bulk_issue") in html
    assert officer_client.get(reverse("certification_admin:bulk_issue")).status_code == 200
