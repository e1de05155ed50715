"""Each report's figures against values worked out by hand on a small fixture."""

import csv
import io
import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from academy import roles
from academy.models import GrowthStage, Industry
from certification.models import Attempt, ExamPool
from certification.services import exams as exam_services
from certification.services.exam_statistics import exam_statistics
from courses.models import Enrollment
from events.models import Registration, SessionRating
from growth.models import Diagnosis
from tests.certification.factories_exams import ExamFactory as ExamWithPoolsFactory
from tests.certification.factories_exams import QuestionBankFactory, add_questions
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


# --- Hardest questions ------------------------------------------------------------------------
# Seven candidates take a three-question exam through the exam services; 1 = answered right.
#            Q1 Q2 Q3   score
#   u1 杭州   0  0  1    33.33
#   u2 杭州   0  1  1    66.67
#   u3 杭州   1  1  1   100
#   u4 杭州   0  0  0     0
#   u5 杭州   0  1  1    66.67
#   u6 杭州   1  0  1    66.67
#   u7 上海   1  1  1   100
# A second exam's only question, answered wrong by u1–u4, has 4 responses: below the minimum.
ANSWERS = {
    "u1": (0, 0, 1),
    "u2": (0, 1, 1),
    "u3": (1, 1, 1),
    "u4": (0, 0, 0),
    "u5": (0, 1, 1),
    "u6": (1, 0, 1),
    "u7": (1, 1, 1),
}


def take(user, exam, right: set[int]):
    attempt, _ = exam_services.start(user, exam)
    answers = {}
    for r in attempt.responses.all():
        wrong = next(c["key"] for c in r.choices if c["key"] not in r.correct_keys)
        answers[r.position] = r.correct_keys[0] if r.question_id in right else wrong
    exam_services.save_answers(attempt.pk, user, answers)
    return exam_services.submit(attempt.pk, user)


@pytest.fixture
def item_figures(db):
    catering = Industry.objects.get(slug="catering")
    hangzhou = ProviderFactory(name="杭州丙", city="杭州", growth_stage=GrowthStage.CAPABILITY)
    hangzhou.industries.set([catering])
    shanghai = ProviderFactory(name="上海丁", city="上海", growth_stage=GrowthStage.OPERATIONS)
    users = {
        name: MembershipFactory(provider=shanghai if name == "u7" else hangzhou).user
        for name in ANSWERS
    }
    bank = QuestionBankFactory()
    questions = []
    for n, topic in enumerate(("支付", "退款", "")):
        [q] = add_questions(bank, 1, topic=topic)
        q.text = f"第{n + 1}题：" + "微信支付的结算周期是多久？" * 10
        q.save()
        questions.append(q)
    exam = ExamWithPoolsFactory(title="支付认证考试")
    ExamPool.objects.create(exam=exam, bank=bank, count=3)
    for name, marks in ANSWERS.items():
        take(users[name], exam, {q.pk for q, ok in zip(questions, marks, strict=True) if ok})

    other_bank = QuestionBankFactory()
    add_questions(other_bank, 1, topic="发票")
    other = ExamWithPoolsFactory(title="发票考试")
    ExamPool.objects.create(exam=other, bank=other_bank, count=1)
    for name in ("u1", "u2", "u3", "u4"):
        take(users[name], other, set())
    return {"exam": exam, "questions": questions}


def hardest(response):
    [table] = response.context["extra_tables"]
    return table


def test_hardest_questions_by_hand(staff_client, item_figures):
    table = hardest(staff_client.get("/admin/academy-reports/exams/"))
    # Q1: u3, u6, u7 right of 7 = 42.9 %. Groups: 27 % of 7 attempts rounds to 2; by score
    # (ties by attempt order) the bottom two are u4 and u1, the top two u3 and u7.
    # Q1 top 2/2, bottom 0/2 → 1.0; Q2 top 2/2, bottom 0/2 → 1.0; Q3 top 2/2, bottom 1/2 → 0.5.
    # The other exam's question (4 responses) stays out.
    assert [row[0] for row in table["rows"]] == ["支付认证考试"] * 3
    assert [row[2:] for row in table["rows"]] == [
        ["支付", 7, 42.9, 1.0],
        ["退款", 7, 57.1, 1.0],
        ["—", 7, 85.7, 0.5],
    ]
    assert table["rows"][0][1].startswith("第1题") and len(table["rows"][0][1]) == 80


def test_hardest_questions_agree_with_the_exam_statistics(staff_client, item_figures):
    """All-or-nothing questions: the report's figures are those of the certification service."""
    table = hardest(staff_client.get("/admin/academy-reports/exams/"))
    items = {i.question_id: i for i in exam_statistics(item_figures["exam"]).items}
    for question, row in zip(item_figures["questions"], table["rows"], strict=True):
        assert row[4] == round(items[question.pk].facility, 1)
        assert row[5] == round(items[question.pk].discrimination, 2)


def test_hardest_questions_follow_the_filters(staff_client, item_figures):
    # 杭州 only (u1–u6): Q1 2/6, Q2 3/6, Q3 5/6. 27 % of 6 rounds to 2: bottom u4, u1; top u6
    # (last of the three 66.67 by attempt order) and u3. Q1 top 2/2 bottom 0/2 → 1.0;
    # Q2 top 1/2, bottom 0/2 → 0.5; Q3 top 2/2, bottom 1/2 → 0.5.
    table = hardest(staff_client.get("/admin/academy-reports/exams/?city=杭州"))
    assert [row[2:] for row in table["rows"]] == [
        ["支付", 6, 33.3, 1.0],
        ["退款", 6, 50.0, 0.5],
        ["—", 6, 83.3, 0.5],
    ]
    tools = Industry.objects.get(slug="tools").pk
    table = hardest(staff_client.get(f"/admin/academy-reports/exams/?industry={tools}"))
    assert table["rows"] == []
    yesterday = timezone.localdate() - timedelta(days=1)
    table = hardest(staff_client.get(f"/admin/academy-reports/exams/?date_to={yesterday}"))
    assert table["rows"] == []


def test_hardest_questions_render_and_download(staff_client, item_figures):
    response = staff_client.get("/admin/academy-reports/exams/?city=杭州")
    html = response.content.decode()
    assert "<caption" in html and '<th scope="col">' in html
    url = hardest(response)["download_url"]
    assert url == "/admin/academy-reports/exams/hardest-questions.csv?city=%E6%9D%AD%E5%B7%9E"
    download = staff_client.get(url)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(table) == 4
    assert table[1][0] == "支付认证考试" and table[1][1].startswith("第1题")
    assert table[1][2:] == ["支付", "6", "33.3", "1.0"]


def test_hardest_questions_csv_is_for_report_staff(client, item_figures):
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/admin/academy-reports/exams/hardest-questions.csv")
    assert response.status_code in (302, 403)


def test_exams_report_with_responses_query_ceiling(
    staff_client, figures, item_figures, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = staff_client.get("/admin/academy-reports/exams/?city=杭州&date_from=2026-01-01")
    assert response.status_code == 200
    assert len(hardest(response)["rows"]) == 3
    with django_assert_max_num_queries(20):
        assert (
            staff_client.get("/admin/academy-reports/exams/hardest-questions.csv").status_code
            == 200
        )


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
    content = b"".join(response.streaming_content).decode("utf-8-sig")
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


# --- Every report with every filter, alone and combined ----------------------------------------

REPORTS = ["learning", "exams", "events", "certification", "providers"]
# Columns that count things: a filter can only keep or lower them, never raise them.
COUNTS = {
    "learning": ("enrolments", "started", "completed"),
    "exams": ("attempts", "candidates", "passed"),
    "events": ("events", "capacity", "confirmed", "waitlisted", "attended", "no_show"),
    "certification": ("issued", "revoked", "expiring"),
    "providers": ("create", "capability", "operations", "expansion", "total"),
}


def _filter_values():
    return {
        "city": "杭州",
        "industry": str(Industry.objects.get(slug="catering").pk),
        "stage": GrowthStage.CAPABILITY,
        "date_from": "2026-01-01",
        "date_to": (timezone.localdate() + timedelta(days=1)).isoformat(),
    }


FILTER_SETS = [
    combo
    for size in range(1, 6)
    for combo in itertools.combinations(("city", "industry", "stage", "date_from", "date_to"), size)
]


def _totals(report, table):
    return {c: sum(r[c] or 0 for r in table) for c in COUNTS[report]}


@pytest.mark.parametrize("report", REPORTS)
def test_every_filter_alone_and_combined_answers_200_with_consistent_numbers(
    staff_client, figures, report
):
    everything = _totals(report, rows(staff_client.get(f"/admin/academy-reports/{report}/")))
    values = _filter_values()
    for combo in FILTER_SETS:
        query = {name: values[name] for name in combo}
        page = staff_client.get(f"/admin/academy-reports/{report}/", query)
        panel = staff_client.get(f"/admin/academy-reports/{report}/results/", query)
        assert page.status_code == 200 and panel.status_code == 200, combo
        # The filter panel refreshes the table from the results view: the same numbers.
        assert rows(panel) == rows(page), combo
        filtered = _totals(report, rows(page))
        assert all(filtered[c] <= everything[c] for c in filtered), (combo, filtered)
        csv_response = staff_client.get(
            f"/admin/academy-reports/{report}/", {**query, "export": "csv"}
        )
        assert csv_response.status_code == 200, combo


def test_events_report_filters_registrants_by_their_company(staff_client, figures):
    # 杭州甲 (catering, capability) sent u1 (confirmed, attended, rated 4) and u2 (confirmed,
    # no-show); 上海乙 (tools, operations) sent u3 (waitlisted). The event is in 上海.
    catering = Industry.objects.get(slug="catering").pk
    for query in ({"stage": GrowthStage.CAPABILITY}, {"industry": catering}):
        [row] = rows(staff_client.get("/admin/academy-reports/events/", query))
        assert (row["events"], row["confirmed"], row["waitlisted"]) == (1, 2, 0)
        assert (row["attended"], row["no_show"], row["rating"]) == (1, 1, 4.0)
    [row] = rows(
        staff_client.get("/admin/academy-reports/events/", {"stage": GrowthStage.OPERATIONS})
    )
    assert (row["confirmed"], row["waitlisted"], row["rating"]) == (0, 1, None)
    # The city is the event's own: 上海 keeps the event and all its registrants.
    [row] = rows(
        staff_client.get(
            "/admin/academy-reports/events/", {"city": "上海", "stage": GrowthStage.CAPABILITY}
        )
    )
    assert (row["confirmed"], row["waitlisted"]) == (2, 0)
    assert rows(staff_client.get("/admin/academy-reports/events/", {"city": "杭州"})) == []


@pytest.mark.parametrize("report", REPORTS)
def test_report_csv_starts_with_a_byte_order_mark(staff_client, figures, report):
    response = staff_client.get(f"/admin/academy-reports/{report}/?export=csv")
    assert b"".join(response.streaming_content).startswith("\ufeff".encode())
