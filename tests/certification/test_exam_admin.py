"""Officers in the Wagtail admin: banks, questions, CSV import/export, attempts, grading,
statistics; and everyone else kept out."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from academy import roles
from certification.models import Attempt, Question
from certification.services import exams as services
from certification.services import question_csv
from tests.certification.factories_exams import (
    QuestionBankFactory,
    add_questions,
    correct_answers,
    make_exam,
    wrong_answers,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_CSV = """kind,text,choices,correct,topic,difficulty,points,scoring,explanation
single,微信支付的商户号由谁申请？,服务商|商家主体|平台|用户,B,支付,1,1,,商家是收款主体
multiple,小程序提审前需要检查哪些项？,类目资质|隐私协议|图标颜色|支付主体展示,"A,B,D",审核,2,2,partial,
判断,退款只能原路退回。,,对,支付,1,1,,
short,简述分账的适用场景。,,,支付,3,5,,
"""


@pytest.fixture
def officer():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.CERTIFICATION_OFFICERS))
    return user


@pytest.fixture
def officer_client(officer):
    # Messages are matched by their English wording: the admin speaks the user's language.
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(officer)
    return client


def test_csv_import_creates_every_question():
    bank = QuestionBankFactory()
    # True/false choices are labelled in the importing officer's language.
    with translation.override("zh-hans"):
        report = question_csv.import_questions(bank, GOOD_CSV.encode())
    assert report.ok and report.created == 4
    kinds = dict(bank.questions.values_list("kind", "scoring"))
    assert kinds == {"single": "all", "multiple": "partial", "true_false": "all", "short": "all"}
    multiple = bank.questions.get(kind="multiple")
    assert [c.is_correct for c in multiple.choices.all()] == [True, True, False, True]
    tf = bank.questions.get(kind="true_false")
    assert [(c.text, c.is_correct) for c in tf.choices.all()] == [("正确", True), ("错误", False)]


def test_csv_round_trip():
    bank = QuestionBankFactory()
    question_csv.import_questions(bank, GOOD_CSV.encode())
    exported = question_csv.export_bank(bank)
    assert exported.startswith("\ufeff") and "微信支付的商户号由谁申请" in exported
    other = QuestionBankFactory()
    report = question_csv.import_questions(other, exported.encode("utf-8"))
    assert report.ok and report.created == 4


def test_csv_import_is_all_or_nothing_with_line_numbers():
    bank = QuestionBankFactory()
    bad = (
        "kind,text,choices,correct,difficulty\n"
        "single,好的题目,甲|乙,A,1\n"
        "single,没有正确答案,甲|乙,,1\n"
        "quiz,类型错误,甲|乙,A,1\n"
        'multiple,"跨行\n题目",甲|乙|丙,"A,Z",9\n'
        'single,两个正确,甲|乙,"A,B",1\n'
    )
    report = question_csv.import_questions(bank, bad.encode())
    assert not report.ok and report.created == 0
    lines = [line for line, _ in report.errors]
    assert lines == [3, 4, 6, 6, 7]
    assert not Question.objects.exists()


def test_csv_import_refuses_non_utf8_and_missing_columns():
    bank = QuestionBankFactory()
    report = question_csv.import_questions(bank, GOOD_CSV.encode("gb18030"))
    assert not report.ok and "UTF-8" in report.errors[0][1]
    report = question_csv.import_questions(bank, b"question,answer\nx,y\n")
    assert report.errors[0][0] == 1 and "kind" in report.errors[0][1]


def test_officer_imports_csv_in_the_admin(officer_client):
    bank = QuestionBankFactory()
    url = reverse("exams_admin:import")
    assert officer_client.get(url).status_code == 200
    upload = SimpleUploadedFile("q.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = officer_client.post(url, {"bank": bank.pk, "file": upload})
    assert response.status_code == 302 and bank.questions.count() == 4
    broken = SimpleUploadedFile("q.csv", b"kind,text\nsingle,\n", content_type="text/csv")
    response = officer_client.post(url, {"bank": bank.pk, "file": broken})
    assert response.status_code == 400 and "2" in response.content.decode()
    export = officer_client.get(reverse("exams_admin:export", args=[bank.pk]))
    assert export.status_code == 200 and "微信支付" in export.content.decode()


def test_officer_sees_the_exam_admin(officer_client):
    exam = make_exam(questions=3)
    for name in (
        "exam_banks:index",
        "exam_questions:index",
        "exam_exams:index",
        "exam_overrides:index",
        "exam_attempts:index",
        "exams_admin:grading_queue",
        "exams_admin:statistics_index",
    ):
        assert officer_client.get(reverse(name)).status_code == 200, name
    assert officer_client.get(reverse("exam_exams:edit", args=[exam.pk])).status_code == 200
    question = Question.objects.first()
    assert officer_client.get(reverse("exam_questions:edit", args=[question.pk])).status_code == 200
    assert officer_client.get(reverse("exam_questions:add")).status_code == 200
    assert officer_client.get(reverse("exam_questions:index") + "?q=以下").status_code == 200


def test_question_form_checks_the_choices(officer_client):
    bank = QuestionBankFactory()

    def post(kind, choices):
        data = {
            "bank": bank.pk,
            "kind": kind,
            "status": "active",
            "text": "新题目",
            "topic": "",
            "difficulty": 2,
            "points": "1",
            "scoring": "all",
            "explanation": "",
            "model_answer": "",
            "choices-TOTAL_FORMS": len(choices),
            "choices-INITIAL_FORMS": 0,
            "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 1000,
        }
        for i, (text, ok) in enumerate(choices):
            data[f"choices-{i}-text"] = text
            data[f"choices-{i}-ORDER"] = i
            if ok:
                data[f"choices-{i}-is_correct"] = "on"
        return officer_client.post(reverse("exam_questions:add"), data)

    assert post("single", [("甲", True), ("乙", True)]).status_code == 200  # form errors
    assert not Question.objects.exists()
    assert post("single", [("甲", True), ("乙", False)]).status_code == 302
    assert Question.objects.get().choices.count() == 2


def test_attempt_list_filters_and_csv_export(officer_client):
    exam = make_exam(questions=2)
    for answers in (correct_answers, wrong_answers):
        user = UserFactory()
        attempt, _ = services.start(user, exam)
        services.save_answers(attempt.pk, user, answers(attempt))
        services.submit(attempt.pk)
    url = reverse("exam_attempts:index")
    assert officer_client.get(url + f"?exam={exam.pk}&passed=true").status_code == 200
    export = officer_client.get(url + "?export=csv")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export.status_code == 200 and body.count(exam.title) == 2
    attempt = Attempt.objects.first()
    assert officer_client.get(reverse("exam_attempts:edit", args=[attempt.pk])).status_code in (
        302,
        403,
    )


def test_officer_grades_a_short_answer(officer, officer_client):
    bank = QuestionBankFactory()
    add_questions(bank, 1, kind=Question.Kind.SHORT, points=4)
    exam = make_exam(questions=0, bank=bank, draw=1)
    user = UserFactory()
    attempt, _ = services.start(user, exam)
    services.save_answers(attempt.pk, user, {0: "分账用于平台与商家之间的资金分配。"})
    services.submit(attempt.pk)
    response = attempt.responses.get()
    queue = officer_client.get(reverse("exams_admin:grading_queue")).content.decode()
    assert reverse("exams_admin:grade", args=[response.pk]) in queue
    url = reverse("exams_admin:grade", args=[response.pk])
    assert officer_client.post(url, {"points": "9"}).status_code == 400
    assert officer_client.post(url, {"points": "abc"}).status_code == 400
    assert officer_client.post(url, {"points": "3", "feedback": "不错"}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.score == Decimal("75.00") and attempt.passed
    assert officer_client.post(url, {"points": "4"}).status_code == 400


def test_statistics_page_with_svg_chart(officer_client):
    exam = make_exam(questions=4)
    for i in range(6):
        user = UserFactory()
        attempt, _ = services.start(user, exam)
        answers = correct_answers(attempt) if i % 2 else wrong_answers(attempt)
        services.save_answers(attempt.pk, user, answers)
        services.submit(attempt.pk)
    html = officer_client.get(reverse("exams_admin:statistics", args=[exam.pk])).content.decode()
    assert "<svg" in html and "<rect" in html
    assert "50.0" in html  # facility of every question: half right


def test_statistics_discrimination():
    from certification.services.exam_statistics import exam_statistics

    exam = make_exam(questions=2, shuffle_questions=False)
    for i in range(4):
        user = UserFactory()
        attempt, _ = services.start(user, exam)
        right = correct_answers(attempt)
        wrong = wrong_answers(attempt)
        # Strong candidates get both right; weak ones only the first.
        first = next(
            r.position
            for r in attempt.responses.all()
            if r.question_id == min(r.question_id for r in attempt.responses.all())
        )
        answers = right if i >= 2 else {**wrong, first: right[first]}
        services.save_answers(attempt.pk, user, answers)
        services.submit(attempt.pk)
    stats = exam_statistics(exam)
    assert stats.attempts == 4 and stats.distribution[5] == 2 and stats.distribution[9] == 2
    by_facility = {round(i.facility): i.discrimination for i in stats.items}
    assert by_facility == {100: 0.0, 50: 1.0}


def test_members_and_other_staff_are_kept_out():
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("exams_admin:grading_queue")).status_code == 302
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=roles.EVENT_STAFF))
    client.force_login(staff)
    for name in ("exams_admin:grading_queue", "exams_admin:import", "exams_admin:statistics_index"):
        assert client.get(reverse(name)).status_code in (302, 403), name
    assert client.get(reverse("exam_questions:index")).status_code in (302, 403)


def test_exam_with_attempts_and_its_bank_cannot_be_deleted(officer_client):
    exam = make_exam(questions=2)
    services.start(UserFactory(), exam)
    bank = exam.pools.get().bank
    response = officer_client.post(reverse("exam_exams:delete", args=[exam.pk]), follow=True)
    assert response.status_code == 200 and "cannot be deleted" in response.content.decode()
    # Wagtail's reference index may already know the pool protects the bank (then it refuses
    # before deleting); either way the bank stays and nothing fails.
    response = officer_client.post(reverse("exam_banks:delete", args=[bank.pk]), follow=True)
    assert response.status_code == 200
    assert type(exam).objects.filter(pk=exam.pk).exists() and bank.questions.count() == 2
    unused = make_exam(questions=1)
    assert officer_client.post(reverse("exam_exams:delete", args=[unused.pk])).status_code == 302
    assert not type(exam).objects.filter(pk=unused.pk).exists()


def test_officer_builds_a_bank_and_an_exam_in_the_admin(officer_client):
    from certification.models import Exam, ExamOverride, QuestionBank

    response = officer_client.post(
        reverse("exam_banks:add"), {"title": "支付题库", "slug": "pay", "description": ""}
    )
    assert response.status_code == 302
    bank = QuestionBank.objects.get(slug="pay")
    add_questions(bank, 5)
    data = {
        "title": "新考试",
        "slug": "new-exam",
        "description": "",
        "published": "on",
        "pools-TOTAL_FORMS": 1,
        "pools-INITIAL_FORMS": 0,
        "pools-MIN_NUM_FORMS": 1,
        "pools-MAX_NUM_FORMS": 1000,
        "pools-0-bank": bank.pk,
        "pools-0-topic": "",
        "pools-0-count": 3,
        "pools-0-ORDER": 0,
        "time_limit_minutes": 20,
        "pass_mark": 60,
        "max_attempts": 2,
        "wait_hours": 0,
        "opens_at": "",
        "closes_at": "",
        "shuffle_questions": "on",
        "layout": "all",
        "grading_method": "last",
        "review_after_submit": "answers",
        "review_after_close": "full",
    }
    response = officer_client.post(reverse("exam_exams:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    exam = Exam.objects.get(slug="new-exam")
    assert exam.question_count == 3 and exam.grading_method == "last"

    candidate = UserFactory()
    override = {"exam": exam.pk, "user": candidate.pk, "extra_minutes": 10, "extra_attempts": 1}
    assert officer_client.post(reverse("exam_overrides:add"), override).status_code == 302
    again = officer_client.post(reverse("exam_overrides:add"), override)
    assert again.status_code == 200 and ExamOverride.objects.count() == 1
    attempt, _ = services.start(candidate, exam)
    assert (attempt.deadline - attempt.started_at).total_seconds() == 30 * 60
