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


def _admin_form(title: str, points: int, threshold_ids=None, directions=None) -> dict:
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    def answers():
        return {
            "count": 2,
            **{
                str(i): {"deleted": "", "order": str(i), "id": "", "value": value}
                for i, value in enumerate(
                    [{"label": "没有", "points": "0"}, {"label": "有", "points": str(points)}]
                )
            },
        }

    questions = [
        ("question", {"direction": d, "text": f"{d}?", "help_text": "", "answers": answers()})
        for d in GrowthStage.values
    ]
    return nested_form_data(
        {
            "title": title,
            "intro": "",
            "active": "on",
            "questions": streamfield(questions),
            "capability_from": "30",
            "operations_from": "55",
            "expansion_from": "80",
            "direction_thresholds": inline_formset(
                [
                    {
                        "direction": d,
                        "developing_from": "40",
                        "established_from": "70",
                        "event_keywords": "",
                        "id": str(threshold_ids[n]) if threshold_ids else "",
                    }
                    for n, d in enumerate(directions or GrowthStage.values)
                ],
                initial=len(threshold_ids or []),
                min=4,
                max=4,
            ),
        }
    )


def test_staff_create_and_edit_the_questionnaire_in_the_admin(editor_client):
    response = editor_client.post(
        "/admin/snippets/growth/questionnaire/add/", _admin_form("诊断问卷", 10)
    )
    assert response.status_code == 302, response.context["form"].errors
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.version == 1
    assert len(questionnaire.questions) == 4
    assert questionnaire.direction_thresholds.count() == 4
    assert questionnaire.snapshot()["questions"][0]["answers"][1]["points"] == 10
    ids = list(
        questionnaire.direction_thresholds.order_by("sort_order").values_list("pk", flat=True)
    )
    edit_url = f"/admin/snippets/growth/questionnaire/edit/{questionnaire.pk}/"
    twice = ["create", "create", "operations", "expansion"]
    response = editor_client.post(edit_url, _admin_form("重复", 8, ids, twice))
    assert response.status_code == 200  # the form says why, nothing saved
    response = editor_client.post(edit_url, _admin_form("第二版", 8, ids))
    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.version == 2 and questionnaire.title == "第二版"


def test_learning_assignments_are_listed_and_filtered_in_the_admin(editor_client, home_page):
    from datetime import timedelta

    from django.utils import timezone

    from growth.services.assignments import assign
    from tests.courses.content import make_catalogue, make_course
    from tests.growth.factories import admin_of

    admin = admin_of()
    course = make_course(make_catalogue(home_page), "会员营销实战")
    assign(admin, f"course:{course.pk}", None, timezone.localdate() + timedelta(days=3))
    response = editor_client.get("/admin/learning_assignments/")
    assert response.status_code == 200
    assert "会员营销实战" in response.content.decode()
    soon = (timezone.localdate() + timedelta(days=7)).isoformat()
    for query in (f"?due_on__lte={soon}", "?cancelled_at__isnull=true", "?user__isnull=true"):
        filtered = editor_client.get("/admin/learning_assignments/" + query)
        assert filtered.status_code == 200 and "会员营销实战" in filtered.content.decode()
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert (
        "会员营销实战"
        not in editor_client.get(
            f"/admin/learning_assignments/?due_on__gte={later}"
        ).content.decode()
    )
