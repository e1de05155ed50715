import pytest
from django.urls import reverse

from academy.models import GrowthStage, Membership
from growth.models import Diagnosis, Level, StageOverride
from growth.services import GrowthError
from growth.services.diagnosis import (
    complete_diagnosis,
    override_stage,
    save_answers,
    score,
    start_diagnosis,
)
from tests.factories import MembershipFactory, ProviderFactory, UserFactory
from tests.growth.factories import admin_of, answers_for, make_questionnaire

pytestmark = pytest.mark.django_db

# Answer indexes per question: 0 → 0 points, 1 → 5, 2 → 10 (a direction's max is 20).


def _take(admin: Membership, choices: dict[str, list[int]]) -> Diagnosis:
    diagnosis = start_diagnosis(admin.user, admin.provider)
    save_answers(diagnosis, answers_for(diagnosis, choices), by=admin.user)
    return complete_diagnosis(diagnosis, by=admin.user)


ALL = {d: [2, 2] for d in GrowthStage.values}


@pytest.mark.parametrize(
    "indexes, percent, level",
    [
        ([0, 0], 0, Level.GAP),
        ([1, 1], 50, Level.DEVELOPING),  # 10/20 = 50%: above developing (40)
        ([2, 0], 50, Level.DEVELOPING),
        ([2, 1], 75, Level.ESTABLISHED),  # 15/20 = 75%: above established (70)
        ([2, 2], 100, Level.ESTABLISHED),
    ],
)
def test_direction_level_from_points(indexes, percent, level):
    questionnaire = make_questionnaire()
    admin = admin_of()
    diagnosis = start_diagnosis(admin.user, admin.provider)
    choices = {d: [0, 0] for d in GrowthStage.values} | {"create": indexes}
    scores, _, _ = score(diagnosis.snapshot, answers_for(diagnosis, choices))
    assert scores["create"].percent == percent
    assert scores["create"].level == level
    assert questionnaire.pk


def test_level_at_exact_threshold_counts_as_reached():
    make_questionnaire(developing=25, established=75)
    admin = admin_of()
    diagnosis = start_diagnosis(admin.user, admin.provider)
    scores, _, _ = score(
        diagnosis.snapshot,
        answers_for(diagnosis, {"create": [1, 0], "capability": [2, 1]}),
    )
    assert scores["create"].percent == 25 and scores["create"].level == Level.DEVELOPING
    assert scores["capability"].percent == 75 and scores["capability"].level == Level.ESTABLISHED


@pytest.mark.parametrize(
    "points_per_direction, stage",
    [
        # total % = sum / 80, rounded; stage thresholds 35 / 60 / 80
        ([0, 0, 0, 0], GrowthStage.CREATE),
        ([20, 5, 0, 0], GrowthStage.CREATE),  # 25/80 = 31%
        ([20, 10, 0, 0], GrowthStage.CAPABILITY),  # 30/80 = 37.5% → 38%
        ([20, 20, 5, 0], GrowthStage.CAPABILITY),  # 45/80 = 56%
        ([20, 20, 10, 0], GrowthStage.OPERATIONS),  # 50/80 = 62.5% → 62%
        ([20, 20, 20, 0], GrowthStage.OPERATIONS),  # 60/80 = 75%
        ([20, 20, 20, 5], GrowthStage.EXPANSION),  # 65/80 = 81%
    ],
)
def test_overall_stage_from_total(points_per_direction, stage):
    make_questionnaire()
    admin = admin_of()
    diagnosis = start_diagnosis(admin.user, admin.provider)
    to_indexes = {0: [0, 0], 5: [1, 0], 10: [2, 0], 15: [2, 1], 20: [2, 2]}
    choices = {
        d: to_indexes[p] for d, p in zip(GrowthStage.values, points_per_direction, strict=True)
    }
    _, total, placed = score(diagnosis.snapshot, answers_for(diagnosis, choices))
    assert placed == stage, total


def test_stage_exactly_at_threshold():
    make_questionnaire(capability_from=25)
    admin = admin_of()
    diagnosis = start_diagnosis(admin.user, admin.provider)
    choices = {"create": [2, 2], "capability": [0, 0], "operations": [0, 0], "expansion": [0, 0]}
    _, total, stage = score(diagnosis.snapshot, answers_for(diagnosis, choices))
    assert total == 25 and stage == GrowthStage.CAPABILITY


def test_completing_moves_the_provider_and_keeps_history():
    make_questionnaire()
    admin = admin_of()
    first = _take(admin, {d: [0, 0] for d in GrowthStage.values})
    admin.provider.refresh_from_db()
    assert first.stage == admin.provider.growth_stage == GrowthStage.CREATE
    second = _take(admin, ALL)
    admin.provider.refresh_from_db()
    assert second.stage == admin.provider.growth_stage == GrowthStage.EXPANSION
    assert Diagnosis.objects.filter(provider=admin.provider, state="completed").count() == 2


def test_editing_the_questionnaire_never_changes_a_given_result():
    questionnaire = make_questionnaire()
    admin = admin_of()
    done = _take(admin, ALL)
    assert done.questionnaire_version == 1
    # Staff halve every answer's points and raise the thresholds: a new version.
    questionnaire.questions = [
        (
            "question",
            {**block.value, "answers": [{"label": "x", "points": 1}, {"label": "y", "points": 0}]},
        )
        for block in questionnaire.questions
    ]
    questionnaire.expansion_from = 100
    questionnaire.save()
    assert questionnaire.version == 2
    done.refresh_from_db()
    assert done.stage == GrowthStage.EXPANSION and done.total_percent == 100
    assert done.questionnaire_version == 1
    assert done.snapshot["questions"][0]["answers"][2]["points"] == 10
    again = start_diagnosis(admin.user, admin.provider)
    assert again.questionnaire_version == 2


def test_draft_keeps_partial_answers_and_resumes():
    make_questionnaire()
    admin = admin_of()
    draft = start_diagnosis(admin.user, admin.provider)
    save_answers(draft, answers_for(draft, {"create": [2, 1]}), by=admin.user)
    other_admin = admin_of(admin.provider).user
    resumed = start_diagnosis(other_admin, admin.provider)
    assert resumed.pk == draft.pk
    assert len(resumed.answers) == 2
    with pytest.raises(GrowthError):
        complete_diagnosis(resumed, by=other_admin)


def test_answer_out_of_range_is_refused():
    make_questionnaire()
    admin = admin_of()
    draft = start_diagnosis(admin.user, admin.provider)
    question = draft.questions[0]["id"]
    with pytest.raises(GrowthError) as error:
        save_answers(draft, {question: 7}, by=admin.user)
    assert error.value.status == 400


def test_override_records_reason_and_moves_provider():
    staff = UserFactory(is_staff=True)
    provider = ProviderFactory(growth_stage=GrowthStage.CREATE)
    record = override_stage(
        provider, GrowthStage.OPERATIONS, "已完成 30 家门店交付，诊断问卷低估。", staff
    )
    provider.refresh_from_db()
    assert provider.growth_stage == GrowthStage.OPERATIONS
    assert record.previous_stage == GrowthStage.CREATE and record.created_by == staff
    with pytest.raises(GrowthError):
        override_stage(provider, GrowthStage.CREATE, "  ", staff)
    assert StageOverride.objects.count() == 1


# --- HTTP: without JavaScript, step by step ---------------------------------------------------


def test_take_the_diagnosis_over_http_with_plain_forms(client, home_page):
    make_questionnaire()
    admin = admin_of()
    client.force_login(admin.user)
    assert client.get("/diagnosis/").status_code == 200
    response = client.post("/diagnosis/start/")
    draft = Diagnosis.objects.get(provider=admin.provider)
    assert response.url == reverse("growth:diagnosis_step", args=[draft.pk, "create"])
    # Answer one of two questions and leave: the answer is kept.
    first, second = draft.questions_for("create")
    response = client.post(response.url, {first["id"]: "2", "action": "later"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {first["id"]: 2}
    # Resuming goes back to the first direction with a missing answer.
    response = client.post("/diagnosis/start/")
    assert response.url.endswith("/create/")
    page = client.get(response.url)
    assert "checked" in page.content.decode()
    for direction in ["create", "capability", "operations", "expansion"]:
        data = {q["id"]: "2" for q in draft.questions_for(direction)}
        data["action"] = "next"
        response = client.post(reverse("growth:diagnosis_step", args=[draft.pk, direction]), data)
    draft.refresh_from_db()
    assert draft.state == "completed"
    assert response.url == reverse("growth:diagnosis_result", args=[draft.pk])
    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and "<table" in body and 'role="img"' in body


def test_finishing_with_missing_answers_is_a_400(client):
    make_questionnaire()
    admin = admin_of()
    client.force_login(admin.user)
    client.post("/diagnosis/start/")
    draft = Diagnosis.objects.get()
    response = client.post(
        reverse("growth:diagnosis_step", args=[draft.pk, "expansion"]), {"action": "finish"}
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_another_companys_diagnosis_is_a_404(client):
    make_questionnaire()
    admin = admin_of()
    done = _take(admin, ALL)
    stranger = admin_of()
    client.force_login(stranger.user)
    assert client.get(reverse("growth:diagnosis_result", args=[done.pk])).status_code == 404
    assert client.get(reverse("growth:diagnosis_step", args=[done.pk, "create"])).status_code == 404


def test_user_without_company_gets_clear_403(client):
    make_questionnaire()
    client.force_login(UserFactory())
    assert client.get("/diagnosis/").status_code == 403
    assert client.post("/diagnosis/start/").status_code == 403


def test_member_cannot_start_answer_or_complete_and_the_stage_stays(client):
    make_questionnaire()
    admin = admin_of()
    member = MembershipFactory(provider=admin.provider).user
    before = admin.provider.growth_stage
    # In the services, whatever page calls them.
    with pytest.raises(GrowthError) as error:
        start_diagnosis(member, admin.provider)
    assert error.value.status == 403
    draft = start_diagnosis(admin.user, admin.provider)
    answers = answers_for(draft, ALL)
    with pytest.raises(GrowthError) as error:
        save_answers(draft, answers, by=member)
    assert error.value.status == 403
    save_answers(draft, answers, by=admin.user)
    with pytest.raises(GrowthError) as error:
        complete_diagnosis(draft, by=member)
    assert error.value.status == 403
    draft.refresh_from_db()
    assert draft.state == "draft"
    # Over HTTP: a 403 that says why, nothing saved.
    client.force_login(member)
    response = client.post("/en/diagnosis/start/")
    assert response.status_code == 403
    assert "administrators" in response.content.decode()
    step = reverse("growth:diagnosis_step", args=[draft.pk, "expansion"])
    assert client.get(step).status_code == 403
    first = draft.questions_for("create")[0]["id"]
    response = client.post(
        reverse("growth:diagnosis_step", args=[draft.pk, "create"]),
        {first: "0", "action": "finish"},
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    admin.provider.refresh_from_db()
    assert draft.state == "draft" and draft.answers[first] == 2
    assert admin.provider.growth_stage == before
    assert Diagnosis.objects.filter(provider=admin.provider).count() == 1


def test_member_reads_results_and_history_without_start_buttons(client):
    make_questionnaire()
    admin = admin_of()
    done = _take(admin, ALL)
    member = MembershipFactory(provider=admin.provider).user
    client.force_login(member)
    home = client.get("/en/diagnosis/")
    body = home.content.decode()
    assert home.status_code == 200
    assert reverse("growth:diagnosis_start") not in body
    assert reverse("growth:diagnosis_result", args=[done.pk]) in body
    assert client.get(reverse("growth:diagnosis_result", args=[done.pk])).status_code == 200
    # An admin's draft in progress: the member is told, and sent to the results, not the form.
    draft = start_diagnosis(admin.user, admin.provider)
    assert "An administrator started" in client.get("/en/diagnosis/").content.decode()
    response = client.get(reverse("growth:diagnosis_result", args=[draft.pk]))
    assert response.status_code == 302 and response.url.endswith("/diagnosis/")


def test_admin_takes_it_and_moves_the_stage(client):
    make_questionnaire()
    admin = admin_of()
    client.force_login(admin.user)
    assert reverse("growth:diagnosis_start") in client.get("/en/diagnosis/").content.decode()
    assert client.post("/diagnosis/start/").status_code == 302
    draft = Diagnosis.objects.get(provider=admin.provider)
    complete_diagnosis(save_answers(draft, answers_for(draft, ALL), by=admin.user), by=admin.user)
    admin.provider.refresh_from_db()
    assert admin.provider.growth_stage == GrowthStage.EXPANSION


def test_staff_who_may_set_stages_may_record_a_diagnosis():
    from django.contrib.auth.models import Group

    from academy import roles

    make_questionnaire()
    provider = ProviderFactory(growth_stage=GrowthStage.CREATE)
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.ACADEMY_EDITORS))
    draft = start_diagnosis(editor, provider)
    complete_diagnosis(save_answers(draft, answers_for(draft, ALL), by=editor), by=editor)
    provider.refresh_from_db()
    assert provider.growth_stage == GrowthStage.EXPANSION
    with pytest.raises(GrowthError):
        start_diagnosis(UserFactory(is_staff=True), provider)  # staff without the permission


def test_provider_sees_the_staff_override_and_its_reason(client):
    make_questionnaire()
    admin = admin_of()
    _take(admin, {d: [0, 0] for d in GrowthStage.values})
    override_stage(
        admin.provider, GrowthStage.OPERATIONS, "线下核实交付能力", UserFactory(is_staff=True)
    )
    client.force_login(admin.user)
    body = client.get("/diagnosis/").content.decode()
    assert "线下核实交付能力" in body
    # A new result supersedes the override.
    _take(admin, ALL)
    assert "线下核实交付能力" not in client.get("/diagnosis/").content.decode()
