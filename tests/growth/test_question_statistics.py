"""One definition per figure (issue 19): a question's facility and discrimination are computed
once, in certification (exam_statistics.item_statistics), and the exam's statistics page and the
exams report show the same values for it — also for partial credit, where the two used to
differ (the statistics page averaged the share of the points, the report counted full marks)."""

import re

import pytest
from django.urls import reverse

from certification.models import Attempt, ExamPool, Question
from certification.services import exams as exam_services
from certification.services.exam_statistics import exam_statistics, item_statistics
from tests.certification.factories_exams import ExamFactory, QuestionBankFactory, add_questions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Six candidates; the multiple-choice question (A and B right, partial credit) answered in
# full, half (A only) or wrong; the single-choice question right (1) or wrong (0).
#        multiple  single  score
#   c1   full      1       100
#   c2   half      1        75
#   c3   half      0        25
#   c4   wrong     0         0
#   c5   full      1       100
#   c6   half      1        75
ANSWERS = [("full", 1), ("half", 1), ("half", 0), ("wrong", 0), ("full", 1), ("half", 1)]


@pytest.fixture
def exam():
    bank = QuestionBankFactory()
    [multiple] = add_questions(
        bank, 1, kind=Question.Kind.MULTIPLE, scoring=Question.Scoring.PARTIAL
    )
    [single] = add_questions(bank, 1)
    multiple.text, single.text = "哪些是分账的用途？（多选）", "分账资金几天到账？"
    Question.objects.bulk_update([multiple, single], ["text"])
    exam = ExamFactory(title="分账认证考试")
    ExamPool.objects.create(exam=exam, bank=bank, count=2)
    for how, right in ANSWERS:
        user = UserFactory()
        attempt, _ = exam_services.start(user, exam)
        answers = {}
        for r in attempt.responses.all():
            if r.question_id == multiple.pk:
                wrong = [c["key"] for c in r.choices if c["key"] not in r.correct_keys]
                picks = {"full": r.correct_keys, "half": r.correct_keys[:1], "wrong": wrong[:1]}
                answers[r.position] = list(picks[how])
            else:
                wrong = next(c["key"] for c in r.choices if c["key"] not in r.correct_keys)
                answers[r.position] = r.correct_keys[0] if right else wrong
        exam_services.save_answers(attempt.pk, user, answers)
        exam_services.submit(attempt.pk, user)
    return {"exam": exam, "multiple": multiple, "single": single}


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _row_cells(html: str, marker: str) -> list[str]:
    """The text of the cells of the table row whose HTML contains `marker`."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if marker in row:
            return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row)]
    raise AssertionError(f"no row with {marker!r}")


def test_facility_counts_full_marks_and_discrimination_is_kelleys(exam):
    scores = sorted(Attempt.objects.filter(exam=exam["exam"]).values_list("score", flat=True))
    assert [float(s) for s in scores] == [0, 25, 75, 75, 100, 100]
    items = {i.question_id: i for i in exam_statistics(exam["exam"]).items}
    # Fully correct: 2 of 6 (the four half or wrong answers do not count) → 33.3, not the 58.3
    # an average of the points' shares gives. 27 % of 6 rounds to 2: bottom c4, c3 (0 of 2),
    # top c1, c5 (2 of 2) → 1.0.
    multiple = items[exam["multiple"].pk]
    assert (multiple.answered, multiple.facility, multiple.discrimination) == (6, 33.3, 1.0)
    single = items[exam["single"].pk]
    assert (single.answered, single.facility, single.discrimination) == (6, 66.7, 1.0)
    # Hardest first.
    assert [i.question_id for i in exam_statistics(exam["exam"]).items] == [
        exam["multiple"].pk,
        exam["single"].pk,
    ]


def test_the_statistics_page_and_the_report_show_the_same_figures(superuser_client, exam):
    statistics = superuser_client.get(reverse("exams_admin:statistics", args=[exam["exam"].pk]))
    report = superuser_client.get("/admin/academy-reports/exams/")
    assert statistics.status_code == report.status_code == 200
    [table] = report.context["extra_tables"]
    for question in (exam["multiple"], exam["single"]):
        [item] = [i for i in statistics.context["stats"].items if i.question_id == question.pk]
        [row] = [r for r in table["rows"] if r[1] == question.text]
        assert (row[3], row[4], row[5]) == (item.answered, item.facility, item.discrimination)
        # And printed alike: answered, facility, discrimination.
        page_cells = _row_cells(
            statistics.content.decode(), reverse("exam_questions:edit", args=[question.pk])
        )
        report_cells = _row_cells(report.content.decode(), question.text)
        assert page_cells[2:] == report_cells[3:]
    assert page_cells[2:] == ["6", "66.7", "1.0"]


def test_a_deleted_question_stays_on_the_statistics_page_but_leaves_the_report(
    superuser_client, exam
):
    text = exam["multiple"].text
    exam["multiple"].delete()
    [item] = [i for i in exam_statistics(exam["exam"]).items if i.question_id is None]
    assert (item.text, item.kind, item.facility) == (text, Question.Kind.MULTIPLE, 33.3)
    report = superuser_client.get("/admin/academy-reports/exams/")
    [table] = report.context["extra_tables"]
    assert [row[1] for row in table["rows"]] == [exam["single"].text]


def test_item_statistics_is_one_query(exam, django_assert_num_queries):
    with django_assert_num_queries(1):
        items = item_statistics(Attempt.objects.filter(exam=exam["exam"]))
    assert len(items) == 2


def test_hardest_questions_xlsx_has_the_csv_figures(superuser_client, exam):
    import csv
    from io import BytesIO, StringIO

    from openpyxl import load_workbook

    report = superuser_client.get("/admin/academy-reports/exams/")
    [table] = report.context["extra_tables"]
    urls = [d["url"] for d in table["downloads"]]
    assert urls == [
        "/admin/academy-reports/exams/hardest-questions.csv",
        "/admin/academy-reports/exams/hardest-questions.xlsx",
    ]
    csv_response, xlsx_response = (superuser_client.get(url) for url in urls)
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    csv_rows = list(csv.reader(StringIO(csv_response.content.decode("utf-8-sig"))))
    sheet = load_workbook(BytesIO(xlsx_response.content)).active
    xlsx_rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert xlsx_rows[0] == csv_rows[0]
    assert [row[3:] for row in xlsx_rows[1:]] == [[6, 33.3, 1.0], [6, 66.7, 1.0]]
    assert [row[3:] for row in csv_rows[1:]] == [["6", "33.3", "1.0"], ["6", "66.7", "1.0"]]
