"""The questionnaire and stage overrides in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group

from academy import roles
from academy.models import GrowthStage
from growth.models import Questionnaire, StageOverride
from tests.factories import ProviderFactory, UserFactory
from tests.growth.factories import make_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.ACADEMY_EDITORS))
    client.force_login(editor)
    client.editor = editor
    return client


def test_editor_overrides_a_stage_with_a_reason(editor_client):
    provider = ProviderFactory(growth_stage=GrowthStage.CREATE)
    url = "/admin/stage_overrides/new/"
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(
        url,
        {"provider": provider.pk, "stage": "operations", "reason": "线下核实：已有 40 家门店。"},
    )
    assert response.status_code == 302
    record = StageOverride.objects.get()
    assert record.created_by == editor_client.editor and record.previous_stage == "create"
    provider.refresh_from_db()
    assert provider.growth_stage == "operations"
    # A missing reason is a form error, not a record.
    response = editor_client.post(url, {"provider": provider.pk, "stage": "create", "reason": ""})
    assert response.status_code == 200
    assert StageOverride.objects.count() == 1


def test_questionnaire_is_listed_and_editable_in_the_admin(editor_client):
    questionnaire = make_questionnaire()
    response = editor_client.get("/admin/snippets/growth/questionnaire/")
    assert response.status_code == 200 and questionnaire.title in response.content.decode()
    edit = editor_client.get(f"/admin/snippets/growth/questionnaire/edit/{questionnaire.pk}/")
    assert edit.status_code == 200


def test_saving_bumps_the_version():
    questionnaire = make_questionnaire()
    questionnaire.title = "新版本"
    questionnaire.save()
    questionnaire.save()
    assert Questionnaire.objects.get().version == 3


def test_diagnoses_overrides_and_reports_menu_in_the_admin(editor_client):
    assert editor_client.get("/admin/diagnoses/").status_code == 200
    assert editor_client.get("/admin/stage_overrides/").status_code == 200
    menu = editor_client.get("/admin/").content.decode()
    for report in ["learning", "exams", "events", "certification", "providers"]:
        assert f"/admin/academy-reports/{report}/" in menu


def test_admin_users_without_the_report_permission_see_no_reports(client):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "/admin/academy-reports/" not in response.content.decode()
    assert client.get("/admin/academy-reports/providers/").status_code in (302, 403)
