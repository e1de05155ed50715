"""Each report's figures against values worked out by hand on a small fixture."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from academy import roles
from academy.models import GrowthStage, Industry
from certification.models import Attempt
from courses.models import Enrollment
from events.models import Registration, SessionRating
from growth.models import Diagnosis
from tests.courses.content import make_catalogue, make_course, make_lesson
from tests.events.factories import make_event, make_index
from tests.factories import MembershipFactory, ProviderFactory, UserFactory
from tests.growth.factories import AttemptFactory, CertificateFactory, ExamFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def figures(home_page):
    catering = Industry.objects.get(slug="catering")
    tools = Industry.objects.get(slug="tools")
    p1 = ProviderFactory(name="杭州甲", city="杭州", growth_stage=GrowthStage.CAPABILITY)
    p1.industries.set([catering])
    p2 = ProviderFactory(name="上海乙", city="上海", growth_stage=GrowthStage.OPERATIONS)
    p2.industries.set([tools])
    u1, u2 = (MembershipFactory(provider=p1).user for _ in range(2))
    u3 = MembershipFactory(provider=p2).user

    course = make_course(make_catalogue(home_page), "小程序支付入门")
    l1, _l2 = make_lesson(course, "第一课"), make_lesson(course, "第二课")
    for user, start, days, last in ((u1, 10, 2, None), (u2, 11, None, l1), (u3, 12, 4, None)):
        e = Enrollment.objects.create(user=user, course=course, last_lesson=last)
        enrolled = at(2026, 3, start, 9)
        Enrollment.objects.filter(pk=e.pk).update(
            enrolled_at=enrolled, completed_at=enrolled + timedelta(days=days) if days else None
        )

    exam = ExamFactory(title="支付认证考试")
    AttemptFactory(exam=exam, user=u1, score=80, passed=True)
    AttemptFactory(exam=exam, user=u2, score=55, passed=False)
    AttemptFactory(exam=exam, user=u3, score=95, passed=True)
    AttemptFactory(exam=exam, user=u3, state=Attempt.State.IN_PROGRESS, score=None, passed=None)

    event = make_event(
        make_index(home_page), city="上海", capacity=10, start=timezone.now() - timedelta(days=2)
    )
    r1 = Registration.objects.create(
        event=event, user=u1, status="confirmed", code="A1", attendance="attended"
    )
    Registration.objects.create(
        event=event, user=u2, status="confirmed", code="A2", attendance="no_show"
    )
    Registration.objects.create(event=event, user=u3, status="waitlisted", code="A3")
    SessionRating.objects.create(registration=r1, score=4)

    programme = ProgrammeFactory(title="认证讲师")
    CertificateFactory(
        holder=u1, programme=programme, issued_at=at(2026, 1, 15), expires_at=at(2028, 1, 15)
    )
    CertificateFactory(
        holder=u3,
        programme=programme,
        issued_at=at(2026, 1, 20),
        status="revoked",
        revoked_at=at(2026, 3, 2),
    )

    for stage, day in ((GrowthStage.CREATE, 1), (GrowthStage.CAPABILITY, 20)):
        Diagnosis.objects.create(
            provider=p1,
            questionnaire_version=1,
            state="completed",
            stage=stage,
            completed_at=at(2026, 2, day),
            total_percent=30,
        )
    Diagnosis.objects.create(
        provider=p2,
        questionnaire_version=1,
        state="completed",
        stage=GrowthStage.OPERATIONS,
        completed_at=at(2026, 2, 3),
        total_percent=70,
    )
    return {"p1": p1, "p2": p2}


@pytest.fixture
def staff_client(client):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.ACADEMY_EDITORS))
    client.force_login(editor)
    return client


def rows(response):
    return response.context["object_list"]


def test_learning_report(staff_client, figures):
    response = staff_client.get("/admin/academy-reports/learning/")
    assert response.status_code == 200
    [row] = rows(response)
    assert (row["enrolments"], row["started"], row["completed"]) == (3, 3, 2)
    assert row["completion_rate"] == 66.7
    assert row["median_days"] == 3.0  # 2 and 4 days
    assert (row["drop_off_lesson"], row["drop_off_count"]) == ("第一课", 1)
    assert "<svg" in response.content.decode()


def test_learning_report_filters_by_city_and_date(staff_client, figures):
    [row] = rows(staff_client.get("/admin/academy-reports/learning/?city=杭州"))
    assert (row["enrolments"], row["completed"], row["median_days"]) == (2, 1, 2.0)
    [row] = rows(staff_client.get("/admin/academy-reports/learning/?date_from=2026-03-11"))
    assert row["enrolments"] == 2
    assert rows(staff_client.get("/admin/academy-reports/learning/?stage=expansion")) == []


def test_exams_report(staff_client, figures):
    [row] = rows(staff_client.get("/admin/academy-reports/exams/"))
    assert (row["attempts"], row["candidates"], row["passed"]) == (3, 3, 2)
    assert row["pass_rate"] == 66.7
    assert row["average"] == 76.7
    assert row["scores_50_60"] == 1 and row["scores_80_90"] == 1 and row["scores_90_100"] == 1
    assert row["scores_0_50"] == 0
    [row] = rows(
        staff_client.get(
            f"/admin/academy-reports/exams/?industry={Industry.objects.get(slug='tools').pk}"
        )
    )
    assert (row["attempts"], row["passed"]) == (1, 1)


def test_events_report(staff_client, figures):
    [row] = rows(staff_client.get("/admin/academy-reports/events/"))
    assert (row["city"], row["events"], row["capacity"]) == ("上海", 1, 10)
    assert (row["confirmed"], row["fill_rate"], row["waitlisted"]) == (2, 20.0, 1)
    assert (row["attended"], row["no_show"], row["no_show_rate"]) == (1, 1, 50.0)
    assert row["rating"] == 4.0


def test_certification_report(staff_client, figures):
    response = staff_client.get("/admin/academy-reports/certification/")
    table = {(r["programme"], r["month"]): r for r in rows(response)}
    assert table[("认证讲师", "2026-01")]["issued"] == 2
    assert table[("认证讲师", "2026-03")]["revoked"] == 1
    assert table[("认证讲师", "2028-01")]["expiring"] == 1
    [extra] = response.context["extra_tables"]
    assert extra["rows"] == [["餐饮", "杭州", 1]]


def test_providers_report_orders_industries_and_counts_movement(staff_client, figures):
    response = staff_client.get("/admin/academy-reports/providers/")
    table = rows(response)
    assert [(r["industry"], r["city"]) for r in table] == [("餐饮", "杭州"), ("工具", "上海")]
    assert table[0]["capability"] == 1 and table[0]["total"] == 1
    assert table[1]["operations"] == 1
    [movement] = response.context["extra_tables"]
    assert [row[3] for row in movement["rows"]] == [1]
    assert movement["rows"][0][:2] == [GrowthStage.CREATE.label, GrowthStage.CAPABILITY.label]


@pytest.mark.parametrize("report", ["learning", "exams", "events", "certification", "providers"])
def test_reports_export_csv_and_xlsx(staff_client, figures, report):
    response = staff_client.get(f"/admin/academy-reports/{report}/?export=csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    table = list(csv.reader(io.StringIO(content)))
    assert len(table) >= 2 and all(len(r) == len(table[0]) for r in table)
    response = staff_client.get(f"/admin/academy-reports/{report}/?export=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.max_row == len(table)
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == table[0]


def test_provider_csv_content(staff_client, figures):
    response = staff_client.get("/admin/academy-reports/providers/?export=csv")
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table[1][:2] == ["餐饮", "杭州"] and table[1][-1] == "1"


@pytest.mark.parametrize("report", ["learning", "exams", "events", "certification", "providers"])
def test_report_query_ceiling(staff_client, figures, report, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = staff_client.get(
            f"/admin/academy-reports/{report}/?city=杭州&date_from=2026-01-01"
        )
    assert response.status_code == 200


def test_reports_are_for_staff_with_the_permission(client, figures):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/academy-reports/learning/").status_code in (302, 403)
    member = MembershipFactory().user
    client.force_login(member)
    assert client.get("/admin/academy-reports/providers/").status_code == 302  # no admin access
    officer = UserFactory(is_staff=True)
    officer.groups.add(Group.objects.get(name=roles.CERTIFICATION_OFFICERS))
    client.force_login(officer)
    response = client.get("/admin/reports/")
    assert client.get("/admin/academy-reports/providers/").status_code == 200
    assert response.status_code in (200, 302, 404)


def test_bad_filter_values_are_ignored_not_a_500(staff_client, figures):
    response = staff_client.get("/admin/academy-reports/learning/?date_from=yesterday&stage=nope")
    assert response.status_code == 200
    assert len(rows(response)) == 1
