"""Question CSV import with junk: every refusal names the line and the reason, and nothing is
half-imported; formula-looking cells are kept as text with a warning."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from academy import roles
from certification.models import Choice, Question
from certification.services import question_csv
from tests.certification.factories_exams import QuestionBankFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HEADER = "kind,text,choices,correct,points\n"
GOOD_ROW = "single,微信支付的商户号由谁申请？,服务商|商家主体|平台,B,1\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _import(data: bytes):
    bank = QuestionBankFactory()
    report = question_csv.import_questions(bank, data)
    return bank, report


def _nothing_imported():
    assert not Question.objects.exists() and not Choice.objects.exists()


@pytest.mark.parametrize("count", [11, 26, 40])
def test_more_than_ten_choices_is_a_row_error(count):
    choices = "|".join(f"选项{i}" for i in range(count))
    bank, report = _import((HEADER + GOOD_ROW + f"single,问题,{choices},A,1\n").encode())
    assert not report.ok
    assert report.errors == [(3, f"{count} choices: at most 10 (A–J) are possible")]
    _nothing_imported()


def test_correct_letter_beyond_ten_choices_names_the_valid_range():
    choices = "|".join(f"选项{i}" for i in range(12))
    _bank, report = _import((HEADER + f'multiple,问题,{choices},"A,L",1\n').encode())
    problems = [problem for _line, problem in report.errors]
    assert "(A–J)" in " ".join(problems)
    _nothing_imported()


@pytest.mark.parametrize("junk", ["\x00", "\x01", "\x1b[31m", "\x7f"])
def test_control_characters_refuse_the_file_with_the_line(junk):
    data = (HEADER + GOOD_ROW + f"single,问题{junk},甲|乙,A,1\n").encode()
    _bank, report = _import(data)
    assert [line for line, _ in report.errors] == [3]
    assert "control character" in report.errors[0][1]
    _nothing_imported()


def test_nul_bytes_anywhere_never_reach_the_database():
    _bank, report = _import(b"\x00" * 100)
    assert not report.ok
    _bank, report = _import((HEADER + GOOD_ROW).encode().replace("商家".encode(), b"\x00\x00"))
    assert not report.ok and report.errors[0][0] == 2
    _nothing_imported()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf", "The file is empty."),
        (b"\n\n  \r\n", "The file is empty."),
        ((HEADER + GOOD_ROW).encode("utf-16"), "UTF-16"),
        ((HEADER + GOOD_ROW).encode("gbk"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (HEADER.encode(), "holds no questions"),
        (b"a,b\n1,2\n", "Missing columns: kind, text"),
    ],
)
def test_files_that_are_not_question_csvs_say_why(data, message):
    _bank, report = _import(data)
    assert not report.ok and message in report.errors[0][1]
    _nothing_imported()


def test_a_utf8_bom_is_fine():
    bank, report = _import(("\ufeff" + HEADER + GOOD_ROW).encode())
    assert report.ok and report.created == 1
    assert bank.questions.get().choices.filter(is_correct=True).get().text == "商家主体"


@pytest.mark.parametrize("points", ["0", "-1", "1000", "NaN", "Infinity", "0.001", "1e-30", "abc"])
def test_points_outside_the_column_are_row_errors(points):
    _bank, report = _import((HEADER + f"single,问题,甲|乙,A,{points}\n").encode())
    assert [line for line, _ in report.errors] == [2]
    _nothing_imported()


def test_a_choice_longer_than_the_column_is_a_row_error():
    long_choice = "长" * 501
    _bank, report = _import((HEADER + f"single,问题,{long_choice}|乙,A,1\n").encode())
    assert report.errors == [(2, "a choice is longer than 500 characters")]
    _nothing_imported()


def test_too_many_rows_are_refused_whole():
    rows = "".join(f"single,问题{i},甲|乙,A,1\n" for i in range(question_csv.MAX_QUESTIONS + 1))
    _bank, report = _import((HEADER + rows).encode())
    assert not report.ok and "At most 2000 questions" in report.errors[-1][1]
    _nothing_imported()


def test_many_bad_rows_are_reported_in_a_bounded_list():
    rows = "".join("single,,甲|乙,Z,1\n" for _ in range(500))
    _bank, report = _import((HEADER + rows).encode())
    assert len(report.errors) == question_csv.MAX_REPORTED + 1
    assert "more problems" in report.errors[-1][1]
    _nothing_imported()


def test_formula_looking_cells_are_kept_as_text_with_a_warning():
    row = 'single,"=HYPERLINK(""http://evil.example"",""点这里"")",+1|@SUM(A1)|正常,A,1\n'
    bank, report = _import((HEADER + row).encode())
    assert report.ok and report.created == 1
    question = bank.questions.get()
    assert question.text == '=HYPERLINK("http://evil.example","点这里")'
    assert [c.text for c in question.choices.order_by("sort_order")] == ["+1", "@SUM(A1)", "正常"]
    assert {(line, "“text”" in w or "“choices”" in w) for line, w in report.warnings} == {(2, True)}


@pytest.fixture
def officer_client():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.CERTIFICATION_OFFICERS))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(user)
    return client


def test_admin_import_refuses_a_huge_file_before_reading_it(officer_client):
    bank = QuestionBankFactory()
    huge = SimpleUploadedFile(
        "q.csv", (HEADER + GOOD_ROW).encode() + b"#" * question_csv.MAX_BYTES, "text/csv"
    )
    response = officer_client.post(reverse("exams_admin:import"), {"bank": bank.pk, "file": huge})
    assert response.status_code == 400 and "larger than 5 MB" in response.content.decode()
    _nothing_imported()


def test_admin_import_shows_errors_and_warnings(officer_client):
    bank = QuestionBankFactory()
    url = reverse("exams_admin:import")
    nul = SimpleUploadedFile("q.csv", (HEADER + "single,问\x00题,甲|乙,A,1\n").encode())
    response = officer_client.post(url, {"bank": bank.pk, "file": nul})
    assert response.status_code == 400 and "U+0000" in response.content.decode()
    formula = SimpleUploadedFile("q.csv", (HEADER + "single,=1+1,甲|乙,A,1\n").encode())
    response = officer_client.post(url, {"bank": bank.pk, "file": formula}, follow=True)
    assert response.status_code == 200 and "imported as text" in response.content.decode()
    assert bank.questions.get().text == "=1+1"
