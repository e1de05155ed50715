"""Priorities (rank 1–3 by weighted gap to the next stage, each with linked actions), benchmark
cases (own industry first, related ones said so) and one engine for every recommending screen."""

import pytest
from django.urls import reverse

from academy.models import GrowthStage, Industry
from courses.models import Enrollment, LearningPath, LearningPathCourse
from growth.models import Diagnosis
from growth.recommendations import benchmark_cases, priorities
from growth.services.diagnosis import complete_diagnosis, save_answers, start_diagnosis
from tests.courses.content import make_case, make_case_index, make_catalogue, make_course
from tests.events.factories import make_event, make_index
from tests.factories import ProviderFactory
from tests.growth.factories import admin_of, answers_for, make_questionnaire

pytestmark = pytest.mark.django_db

SNAPSHOT = {
    "thresholds": {d: [40, 70] for d in GrowthStage.values},
    "stage_from": {"capability": 35, "operations": 60, "expansion": 80},
}


def diagnosis_at(stage: str, percents: dict[str, int]) -> Diagnosis:
    return Diagnosis(
        snapshot=SNAPSHOT,
        stage=stage,
        scores={
            d: {"percent": p, "points": p, "max": 100, "level": 1} for d, p in percents.items()
        },
    )


def test_priorities_rank_by_gap_to_the_next_stage_weighted_by_what_it_needs():
    # At capability, the next stage (operations) starts at 60 %.
    ranked = priorities(
        diagnosis_at(
            "capability", {"create": 80, "capability": 50, "operations": 40, "expansion": 0}
        )
    )
    # gaps × weights: create 0×2, capability 10×2, operations 20×3 = 60, expansion 60×1 = 60
    assert [p.direction for p in ranked] == ["operations", "expansion", "capability"]
    assert [p.rank for p in ranked] == [1, 2, 3]
    assert ranked[0].gap == 20 and ranked[0].target == 60 and ranked[0].weight == 3
    assert "最依赖这个方向" in ranked[0].why  # "…rests on this direction most" (zh-hans)


def test_a_weak_foundation_outranks_a_small_gap_in_the_next_stages_own_direction():
    ranked = priorities(
        diagnosis_at("create", {"create": 5, "capability": 30, "operations": 30, "expansion": 30})
    )
    # create 30×2 = 60 beats capability 5×3 = 15
    assert ranked[0].direction == "create" and ranked[1].direction == "capability"


def test_at_the_last_stage_priorities_measure_to_established():
    ranked = priorities(
        diagnosis_at(
            "expansion", {"create": 90, "capability": 65, "operations": 50, "expansion": 85}
        )
    )
    assert [p.direction for p in ranked][:2] == ["operations", "capability"]
    assert ranked[0].target == 70


@pytest.fixture
def world(home_page):
    """A catering admin at the create stage with paths, courses, events and cases."""
    make_questionnaire(keywords={"capability": "支付", "create": "入门", "operations": "交付"})
    catalogue = make_catalogue(home_page)
    paths = {}
    for stage in GrowthStage.values:
        path = LearningPath.objects.create(
            title=f"路径{stage}", slug=f"path-{stage}", growth_stage=stage
        )
        for n in range(2):
            course = make_course(catalogue, f"{stage}课程{n}", stage=stage)
            LearningPathCourse.objects.create(path=path, course=course, sort_order=n)
        paths[stage] = path
    admin = admin_of(ProviderFactory(growth_stage=GrowthStage.CREATE, city="杭州"))
    admin.provider.industries.set([Industry.objects.get(slug="catering")])
    index = make_index(home_page)
    make_event(index, title="小程序支付接入实战", city="杭州")
    make_event(index, title="服务商入门训练营", city="杭州")
    cases = make_case_index(home_page)
    make_case(cases, "我们自己的案例", industry="catering", provider=admin.provider)
    make_case(cases, "工具行业案例", industry="tools", provider=ProviderFactory())
    diagnosis = start_diagnosis(admin.user, admin.provider)
    save_answers(
        diagnosis,
        answers_for(
            diagnosis,
            {"create": [1, 1], "capability": [0, 0], "operations": [0, 0], "expansion": [0, 0]},
        ),
        by=admin.user,
    )
    return admin, complete_diagnosis(diagnosis, by=admin.user), paths, cases


def test_the_result_gives_three_priorities_each_with_linked_actions(client, world):
    admin, diagnosis, _paths, _cases = world
    client.force_login(admin.user)
    response = client.get(reverse("growth:diagnosis_result", args=[diagnosis.pk]))
    ranked = response.context["priorities"]
    assert [p.rank for p in ranked] == [1, 2, 3]
    assert ranked[0].direction == "capability"  # create 50 %; capability 0 % and needed next
    assert ranked[0].first("course").title == "capability课程0"
    assert ranked[0].first("event").title == "小程序支付接入实战"
    body = response.content.decode()
    assert "capability课程0" in body and "小程序支付接入实战" in body
    assert body.index('id="priorities-title"') < body.index('id="levels-title"')


def test_benchmarks_same_industry_first_then_related_and_the_page_says_so(client, world):
    admin, diagnosis, _paths, cases = world
    tea = Industry.objects.create(
        name="茶饮", slug="tea-drinks", parent=Industry.objects.get(slug="catering")
    )
    make_case(cases, "茶饮案例", industry=tea, provider=ProviderFactory(growth_stage="capability"))
    found = benchmark_cases(admin.provider, GrowthStage.CAPABILITY)
    # Sub-industries count as the industry; the company's own case is no benchmark for it.
    assert [c.title for c in found.cases] == ["茶饮案例", "工具行业案例"]
    assert found.scope == "other"

    # A provider serving catering and tools makes tools related to catering.
    both = ProviderFactory()
    both.industries.set(Industry.objects.filter(slug__in=["catering", "tools"]))
    found = benchmark_cases(admin.provider, GrowthStage.CAPABILITY)
    assert found.scope == "related"
    client.force_login(admin.user)
    body = client.get(reverse("growth:diagnosis_result", args=[diagnosis.pk])).content.decode()
    assert "some come from related industries" in body or "相关行业" in body


def _recommended_everywhere(client, diagnosis) -> list[int]:
    """The recommended path's id on the result page, both My academy sections and the catalogue."""
    result = client.get(reverse("growth:diagnosis_result", args=[diagnosis.pk])).context
    sections = client.get("/my-academy/").context["sections"]
    catalogue = client.get("/courses/").context
    return [
        result["learning"].path.path.pk,
        sections["growth"].context["next_path"].path.pk,
        sections["learning"].context["recommended_path"].path.pk,
        catalogue["recommended_path_id"],
        catalogue["learning_paths"][0].path.pk,
    ]


def test_result_my_academy_and_catalogue_recommend_the_same_path(client, world):
    admin, diagnosis, paths, _cases = world
    client.force_login(admin.user)
    assert set(_recommended_everywhere(client, diagnosis)) == {paths["capability"].pk}

    # Finishing that path moves every screen on together, to the next priority's path.
    for link in paths["capability"].path_courses.all():
        Enrollment.objects.create(
            user=admin.user, course=link.course, completed_at=diagnosis.completed_at
        )
    after = _recommended_everywhere(client, diagnosis)
    assert len(set(after)) == 1, after
    assert after[0] != paths["capability"].pk
