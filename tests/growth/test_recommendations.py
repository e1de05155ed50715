"""What the result page, My academy and the catalogue recommend from the diagnosis."""

import pytest
from django.urls import reverse

from academy.models import GrowthStage, Industry
from courses.models import LearningPath, LearningPathCourse
from growth.models import Diagnosis
from growth.services.diagnosis import complete_diagnosis, save_answers, start_diagnosis
from tests.courses.content import make_case, make_case_index, make_catalogue, make_course
from tests.events.factories import make_event, make_index
from tests.factories import ProviderFactory
from tests.growth.factories import admin_of, answers_for, make_questionnaire

pytestmark = pytest.mark.django_db


def _path(catalogue, stage, title):
    path = LearningPath.objects.create(title=title, slug=f"path-{stage}", growth_stage=stage)
    LearningPathCourse.objects.create(path=path, course=make_course(catalogue, f"{title}课程"))
    return path


@pytest.fixture
def setup(home_page):
    make_questionnaire(keywords={"capability": "支付, 会员"})
    catalogue = make_catalogue(home_page)
    _path(catalogue, GrowthStage.CREATE, "入驻第一个月")
    _path(catalogue, GrowthStage.CAPABILITY, "支付与会员能力")
    catering = Industry.objects.get(slug="catering")
    admin = admin_of(ProviderFactory(growth_stage=GrowthStage.CREATE, city="杭州"))
    admin.provider.industries.set([catering])
    cases = make_case_index(home_page)
    for n in range(3):
        ahead = ProviderFactory(growth_stage=GrowthStage.CAPABILITY)
        make_case(cases, f"领先案例{n}", industry="catering", provider=ahead)
    make_case(
        cases, "同阶段案例", industry="catering", provider=ProviderFactory(growth_stage="create")
    )
    make_case(
        cases, "别的行业", industry="tools", provider=ProviderFactory(growth_stage="capability")
    )
    index = make_index(home_page)
    make_event(index, title="小程序支付接入实战工作坊", city="杭州")
    make_event(index, title="年终联欢", summary="交流", city="杭州")
    diagnosis = start_diagnosis(admin.user, admin.provider)
    save_answers(
        diagnosis, answers_for(diagnosis, {d: [0, 0] for d in GrowthStage.values}), by=admin.user
    )
    return admin, complete_diagnosis(diagnosis, by=admin.user)


def test_result_recommends_next_stage_path_cases_ahead_and_events_for_gaps(client, setup):
    admin, diagnosis = setup
    client.force_login(admin.user)
    response = client.get(reverse("growth:diagnosis_result", args=[diagnosis.pk]))
    context = response.context
    assert context["next_stage"] == GrowthStage.CAPABILITY
    assert [p.path.title for p in context["paths"]] == ["支付与会员能力"]
    assert sorted(c.title for c in context["cases"]) == ["领先案例0", "领先案例1", "领先案例2"]
    assert [e.title for e in context["events"]] == ["小程序支付接入实战工作坊"]
    assert len(context["gaps"]) == 4 and not context["strengths"]
    body = response.content.decode()
    assert "支付与会员能力" in body and "领先案例0" in body


def test_my_academy_shows_the_stage_and_next_path(client, setup):
    admin, diagnosis = setup
    client.force_login(admin.user)
    body = client.get("/my-academy/").content.decode()
    assert reverse("growth:diagnosis_result", args=[diagnosis.pk]) in body
    assert "支付与会员能力" in body
    assert reverse("growth:team") in body  # admins get the team link


def test_catalogue_puts_the_companys_stage_first(client, setup, home_page):
    admin, _ = setup
    admin.provider.growth_stage = GrowthStage.CAPABILITY
    admin.provider.save()
    client.force_login(admin.user)
    response = client.get("/courses/")
    paths = response.context["learning_paths"]
    assert paths[0].path.growth_stage == GrowthStage.CAPABILITY
    assert response.context["recommended_stage"] == GrowthStage.CAPABILITY


# Session, user, site shell and Wagtail's view restrictions included: what matters is that the
# count does not grow with the number of providers compared.
RESULT_PAGE_CEILING = 34


def test_result_page_query_count_is_bounded(client, setup, django_assert_max_num_queries):
    from tests.growth.test_peers import result

    admin, diagnosis = setup
    client.force_login(admin.user)
    url = reverse("growth:diagnosis_result", args=[diagnosis.pk])
    client.get(url)  # the first request of a site creates its settings row
    counts = []
    for peers in (5, 40):
        while Diagnosis.objects.filter(state="completed").count() < peers + 1:
            peer = ProviderFactory(growth_stage=GrowthStage.CAPABILITY)
            peer.industries.set([Industry.objects.get(slug="catering")])
            result(peer, dict.fromkeys(GrowthStage.values, 50), GrowthStage.CAPABILITY)
        with django_assert_max_num_queries(RESULT_PAGE_CEILING) as context:
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["peers"].group is not None
        counts.append(len(context))
    assert counts[0] == counts[1]
