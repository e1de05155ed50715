"""Who saw what (academy/audit.py): staff opening a person's data and exports carrying personal
data are in Wagtail's audit log (Reports → Site history); such exports say so in their name."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from academy.models import JoinRequest, Membership
from tests.factories import MembershipFactory, ProviderFactory, UserFactory


@pytest.fixture
def officer(db):
    return UserFactory(is_staff=True, is_superuser=True, display_name="审计员")


@pytest.fixture
def person(db):
    return UserFactory(display_name="王小明", email="wang@example.com")


def test_opening_a_persons_account_in_the_admin_is_logged(client, officer, person):
    client.force_login(officer)
    assert client.get(reverse("wagtailusers_users:edit", args=[person.pk])).status_code == 200
    entry = ModelLogEntry.objects.get(action="academy.personal_data_viewed")
    assert (entry.object_id, entry.user_id) == (str(person.pk), officer.pk)
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "academy.personal_data_viewed" in history or "personal data" in history.lower()


def test_opening_a_join_request_is_logged_against_the_person(client, officer, person):
    request = JoinRequest.objects.create(user=person, provider=ProviderFactory())
    client.force_login(officer)
    assert client.get(f"/admin/join_requests/inspect/{request.pk}/").status_code == 200
    entry = ModelLogEntry.objects.get(action="academy.personal_data_viewed")
    assert entry.object_id == str(person.pk)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_admin_exports_of_people_say_personal_data_and_are_logged(
    client, officer, person, export_format
):
    JoinRequest.objects.create(user=person, provider=ProviderFactory())
    client.force_login(officer)
    response = client.get("/admin/join_requests/", {"export": export_format, "status": "pending"})
    assert response.status_code == 200
    filename = f"join-requests-personal-data.{export_format}"
    assert filename in response["Content-Disposition"]
    entry = ModelLogEntry.objects.get(action="academy.export_personal")
    assert entry.user_id == officer.pk and entry.data["filename"] == filename
    assert entry.data["query"] == f"export={export_format}&status=pending"


def test_wagtail_reports_of_people_are_personal_too(client, officer):
    client.force_login(officer)
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})
    assert "audit-log" in response["Content-Disposition"]
    assert "-personal-data.csv" in response["Content-Disposition"]


def test_aggregate_reports_are_not_personal_and_not_logged(client, officer):
    client.force_login(officer)
    response = client.get("/admin/academy-reports/providers/", {"export": "csv"})
    assert response.status_code == 200
    assert "personal-data" not in response["Content-Disposition"]
    assert not ModelLogEntry.objects.filter(action="academy.export_personal").exists()


def test_the_team_csv_says_personal_data_and_is_logged(client, db):
    admin = MembershipFactory(role=Membership.Role.ADMIN)
    MembershipFactory(provider=admin.provider)
    client.force_login(admin.user)
    response = client.get(reverse("growth:team_csv"))
    assert response.status_code == 200
    assert 'filename="team-personal-data.csv"' in response["Content-Disposition"]
    entry = ModelLogEntry.objects.get(action="academy.export_personal")
    assert entry.user_id == admin.user.pk
