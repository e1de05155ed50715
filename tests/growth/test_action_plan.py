"""The action plan: adopted from the diagnosis, edited by the provider's administrators only,
progress read from completions, attendance and certificates; shown on the team page and My
academy; another company's plan is a 404."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.models import GrowthStage, Industry, Membership
from certification.models import Certificate
from courses.models import Enrollment, LearningPath, LearningPathCourse
from events.models import Registration
from growth.models import ActionPlan, ActionPlanItem
from growth.services import GrowthError
from growth.services.diagnosis import complete_diagnosis, save_answers, start_diagnosis
from growth.services.plans import adopt_plan, edit_plan
from tests.courses.content import make_catalogue, make_course
from tests.events.factories import make_event, make_index
from tests.factories import MembershipFactory, ProviderFactory
from tests.growth.factories import ProgrammeFactory, admin_of, answers_for, make_questionnaire

pytestmark = pytest.mark.django_db


def _diagnose(admin, choices):
    diagnosis = start_diagnosis(admin.user, admin.provider)
    save_answers(diagnosis, answers_for(diagnosis, choices), by=admin.user)
    return complete_diagnosis(diagnosis, by=admin.user)


@pytest.fixture
def company(home_page):
    make_questionnaire(keywords={"capability": "支付", "create": "入门", "operations": "交付"})
    catalogue = make_catalogue(home_page)
    for stage in GrowthStage.values:
        path = LearningPath.objects.create(
            title=f"路径{stage}", slug=f"path-{stage}", growth_stage=stage
        )
        LearningPathCourse.objects.create(
            path=path, course=make_course(catalogue, f"{stage}课程", stage=stage)
        )
    index = make_index(home_page)
    make_event(index, title="小程序支付接入实战", city="杭州")
    admin = admin_of(ProviderFactory(growth_stage=GrowthStage.CREATE, city="杭州"))
    admin.provider.industries.set([Industry.objects.get(slug="catering")])
    member = MembershipFactory(provider=admin.provider, role=Membership.Role.MEMBER)
    choices = {"create": [1, 1], "capability": [0, 0], "operations": [0, 0], "expansion": [0, 0]}
    return admin, member, _diagnose(admin, choices)


def test_adopting_takes_the_priorities_actions_with_target_dates(client, company):
    admin, _member, diagnosis = company
    client.force_login(admin.user)
    response = client.post(reverse("growth:action_plan_adopt", args=[diagnosis.pk]))
    assert response.status_code == 302
    plan = ActionPlan.objects.get(diagnosis=diagnosis)
    items = list(plan.items.all())
    titles = [str(i) for i in items]
    assert titles[:2] == ["capability课程", "小程序支付接入实战"]  # priority 1: course, event
    assert items[0].direction == "capability"
    assert items[0].target_date == timezone.localdate() + timedelta(days=30)
    assert plan.adopted_by == admin.user
    # Adopting again keeps the one plan.
    client.post(reverse("growth:action_plan_adopt", args=[diagnosis.pk]))
    assert ActionPlan.objects.filter(diagnosis=diagnosis).count() == 1
    body = client.get(reverse("growth:diagnosis_result", args=[diagnosis.pk])).content.decode()
    assert reverse("growth:action_plan", args=[diagnosis.pk]) in body


def test_admin_edits_dates_removes_and_adds(client, company, home_page):
    admin, _member, diagnosis = company
    plan = adopt_plan(admin.user, diagnosis)
    first, second = list(plan.items.all())[:2]
    extra = make_course(make_catalogue(home_page), "额外课程")
    programme = ProgrammeFactory()
    client.force_login(admin.user)
    response = client.post(
        reverse("growth:action_plan_edit", args=[diagnosis.pk]),
        {
            f"date_{first.pk}": "2027-03-01",
            f"remove_{second.pk}": "on",
            "add": f"course:{extra.pk}",
            "add_date": "2027-04-01",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.target_date == date(2027, 3, 1)
    assert not ActionPlanItem.objects.filter(pk=second.pk).exists()
    added = plan.items.get(course=extra)
    assert added.target_date == date(2027, 4, 1)

    edit_plan(admin.user, plan, dates={}, remove=set(), add=("programme", programme.pk, None))
    assert plan.items.filter(programme=programme).exists()
    with pytest.raises(GrowthError):
        edit_plan(admin.user, plan, dates={}, remove=set(), add=("course", extra.pk, None))


def test_progress_fills_in_from_completions_attendance_and_certificates(client, company):
    admin, member, diagnosis = company
    plan = adopt_plan(admin.user, diagnosis)
    programme = ProgrammeFactory()
    edit_plan(admin.user, plan, dates={}, remove=set(), add=("programme", programme.pk, None))
    course_item = plan.items.filter(course__isnull=False).first()
    event_item = plan.items.filter(event__isnull=False).first()
    outsider = MembershipFactory(provider=ProviderFactory())  # another company's progress
    Enrollment.objects.create(
        user=outsider.user, course=course_item.course, completed_at=timezone.now()
    )

    from growth.plans import plan_view

    before = plan_view(plan)
    assert before.done == 0 and before.total == plan.items.count()

    Enrollment.objects.create(
        user=member.user, course=course_item.course, completed_at=timezone.now()
    )
    Registration.objects.create(
        event=event_item.event,
        user=member.user,
        status=Registration.Status.CONFIRMED,
        code="PLAN0001",
        attendance=Registration.Attendance.ATTENDED,
    )
    Certificate.objects.create(
        holder=admin.user, programme=programme, serial="PA-2026-990001", issued_at=timezone.now()
    )
    after = plan_view(plan)
    statuses = {
        row.item.kind: row.status
        for row in after.items
        if row.item.pk in {course_item.pk, event_item.pk, plan.items.get(programme=programme).pk}
    }
    assert statuses == {"course": "done", "event": "done", "programme": "done"}
    assert after.done == 3

    client.force_login(member.user)
    body = client.get(reverse("growth:action_plan", args=[diagnosis.pk])).content.decode()
    assert "3/" in body or "3 of" in body  # "已完成 3/3 个步骤" (zh-hans, the default)


def test_overdue_shows_when_the_target_date_passed(company):
    admin, _member, diagnosis = company
    plan = adopt_plan(admin.user, diagnosis)
    item = plan.items.first()
    edit_plan(admin.user, plan, dates={item.pk: date(2020, 1, 1)}, remove=set())
    from growth.plans import plan_view

    view = plan_view(plan)
    assert view.items[0].status == "overdue" and view.overdue == 1


def test_team_page_and_my_academy_show_the_plan(client, company):
    admin, member, diagnosis = company
    adopt_plan(admin.user, diagnosis)
    plan_url = reverse("growth:action_plan", args=[diagnosis.pk])
    client.force_login(admin.user)
    assert plan_url in client.get(reverse("growth:team")).content.decode()
    client.force_login(member.user)
    assert plan_url in client.get("/my-academy/").content.decode()


def test_the_plan_stays_with_its_diagnosis_in_the_history(client, company):
    admin, _member, diagnosis = company
    adopt_plan(admin.user, diagnosis)
    newer = _diagnose(
        admin, {"create": [2, 2], "capability": [1, 1], "operations": [0, 0], "expansion": [0, 0]}
    )
    client.force_login(admin.user)
    body = client.get(reverse("growth:diagnosis")).content.decode()
    assert reverse("growth:action_plan", args=[diagnosis.pk]) in body
    assert ActionPlan.objects.get().diagnosis == diagnosis
    # The old result can no longer be adopted again; the new one can.
    with pytest.raises(GrowthError):
        old = ActionPlan.objects.get()
        old.delete()
        adopt_plan(admin.user, diagnosis)
    assert adopt_plan(admin.user, newer).diagnosis == newer


def test_only_the_providers_admins_adopt_and_edit(client, company):
    admin, member, diagnosis = company
    client.force_login(member.user)
    response = client.post(reverse("growth:action_plan_adopt", args=[diagnosis.pk]))
    assert response.status_code == 403
    assert not ActionPlan.objects.exists()
    plan = adopt_plan(admin.user, diagnosis)
    item = plan.items.first()
    response = client.post(
        reverse("growth:action_plan_edit", args=[diagnosis.pk]), {f"remove_{item.pk}": "on"}
    )
    assert response.status_code == 403
    assert ActionPlanItem.objects.filter(pk=item.pk).exists()
    page = client.get(reverse("growth:action_plan", args=[diagnosis.pk]))
    assert page.status_code == 200 and "edit-title" not in page.content.decode()


def test_another_companys_plan_is_a_404(client, company):
    admin, _member, diagnosis = company
    adopt_plan(admin.user, diagnosis)
    stranger = admin_of(ProviderFactory())
    client.force_login(stranger.user)
    for name in ("action_plan", "action_plan_adopt", "action_plan_edit"):
        method = client.get if name == "action_plan" else client.post
        assert method(reverse(f"growth:{name}", args=[diagnosis.pk])).status_code == 404


def test_plan_page_query_count_is_bounded(client, company, django_assert_max_num_queries):
    admin, member, diagnosis = company
    adopt_plan(admin.user, diagnosis)
    client.force_login(admin.user)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("growth:action_plan", args=[diagnosis.pk]))
    assert response.status_code == 200
