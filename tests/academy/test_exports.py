"""Every CSV and XLSX export keeps formula-looking text as text (OWASP "CSV Injection") and
numbers as numbers: the team export, the question bank and exam attempts, event registrations,
the staff reports and Wagtail's own reports."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import Page

from academy import exports, roles
from academy.models import Membership
from certification.models import Question
from certification.services import exams as exam_services
from certification.services import question_csv
from events import services as event_services
from tests.certification.factories_exams import QuestionBankFactory, make_exam
from tests.events.factories import event_staff, make_event, make_index
from tests.factories import MembershipFactory, ProviderFactory, UserFactory, publish_article

# A formula that would send the cell next to it to a stranger, and three that compute.
NASTY = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]


def read_csv(response) -> list[list[str]]:
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def read_xlsx(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body)).active


def assert_quoted_text(cells, expected):
    """Each CSV cell is the expected text behind the quote that keeps it text."""
    assert sorted(cells) == sorted("'" + value for value in expected)


def assert_xlsx_text(cells, expected):
    """Each XLSX cell holds the text as typed, as a string with Excel's quote prefix."""
    assert sorted(c.value for c in cells) == sorted(expected)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def column(rows, index):
    return [row[index] for row in rows]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("王晓明", "王晓明"),
        ("a=b", "a=b"),
        ("", ""),
        (-2, -2),
        (Decimal("-1.5"), Decimal("-1.5")),
        (3.5, 3.5),
        (True, True),
        (None, None),
    ],
)
def test_csv_cell_quotes_formula_text_only(value, cell):
    assert exports.csv_cell(value) == cell
    if isinstance(value, str):
        assert exports.csv_text(exports.csv_cell(value)) == value


def test_csv_cell_guards_objects_written_as_their_text(db):
    user = UserFactory(display_name="=1+1")
    assert exports.csv_cell(user) == "'" + str(user)


@pytest.fixture
def nasty_team(db):
    provider = ProviderFactory()
    admin = MembershipFactory(provider=provider, role=Membership.Role.ADMIN)
    members = [
        MembershipFactory(provider=provider, user=UserFactory(display_name=name)) for name in NASTY
    ]
    return admin, members


def test_team_csv_keeps_formula_names_as_text(client, nasty_team):
    admin, _members = nasty_team
    client.force_login(admin.user)
    header, *rows = read_csv(client.get(reverse("growth:team_csv")))
    names = [row for row in rows if row[1] != admin.user.email]
    assert_quoted_text(column(names, 0), NASTY)
    # Counts are plain numbers: no quote in front of them.
    assert {row[3] for row in rows} == {"0"} and {row[8] for row in rows} == {"0"}


def test_question_bank_export_quotes_formulas_and_reads_them_back(db):
    bank = QuestionBankFactory()
    for i, text in enumerate(NASTY):
        question = Question.objects.create(
            bank=bank, kind=Question.Kind.SHORT, text=text, topic="@topic", points=Decimal(2 + i)
        )
        assert question.pk
    exported = question_csv.export_bank(bank)
    header, *rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert_quoted_text(column(rows, header.index("text")), NASTY)
    assert set(column(rows, header.index("topic"))) == {"'@topic"}
    assert column(rows, header.index("points")) == ["2", "3", "4", "5"]
    # Importing the file back gives the texts as the officers typed them.
    other = QuestionBankFactory()
    report = question_csv.import_questions(other, exported.encode())
    assert report.ok, report.errors
    assert sorted(other.questions.values_list("text", flat=True)) == sorted(NASTY)
    assert set(other.questions.values_list("topic", flat=True)) == {"@topic"}


@pytest.fixture
def officer_client(client, db):
    officer = UserFactory(is_staff=True)
    officer.groups.add(Group.objects.get(name=roles.CERTIFICATION_OFFICERS))
    client.force_login(officer)
    return client


def test_exam_attempts_export_keeps_formula_names_as_text(officer_client):
    exam = make_exam(questions=2)
    for name in NASTY:
        exam_services.start(UserFactory(display_name=name), exam)
    url = reverse("exam_attempts:index")
    header, *rows = read_csv(officer_client.get(url, {"export": "csv"}))
    assert_quoted_text(column(rows, 1), NASTY)
    assert set(column(rows, 3)) == {"1"}  # the attempt number
    sheet = read_xlsx(officer_client.get(url, {"export": "xlsx"}))
    body = list(sheet.iter_rows(min_row=2))
    assert_xlsx_text([row[1] for row in body], NASTY)
    assert {(row[3].value, row[3].data_type) for row in body} == {(1, "n")}


def test_event_registrations_export_keeps_formula_text_as_text(client, home_page):
    event = make_event(
        make_index(home_page), capacity=10, ask_company=True, ask_role=True, ask_note=True
    )
    for name in NASTY:
        answers = event_services.Answers(company=name, job_role="-", note=name)
        event_services.register(UserFactory(display_name=name), event, answers=answers)
    client.force_login(event_staff())
    url = reverse("event_registrations:index")
    header, *rows = read_csv(client.get(url, {"event": event.pk, "export": "csv"}))
    for name in ("user.display_name", "company", "note"):
        index = _export_column(name)
        assert_quoted_text(column(rows, index), NASTY)
    assert set(column(rows, _export_column("job_role"))) == {"'-"}
    sheet = read_xlsx(client.get(url, {"event": event.pk, "export": "xlsx"}))
    body = list(sheet.iter_rows(min_row=2))
    assert_xlsx_text([row[_export_column("note")] for row in body], NASTY)


def _export_column(name: str) -> int:
    from events.wagtail_hooks import RegistrationViewSet

    return RegistrationViewSet.list_export.index(name)


@pytest.fixture
def reports_client(client, db):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.ACADEMY_EDITORS))
    client.force_login(editor)
    return client


def test_exams_report_xlsx_keeps_formula_titles_as_text_and_numbers_as_numbers(reports_client):
    for title in NASTY:
        exam = make_exam(questions=1, title=title)
        user = UserFactory()
        attempt, _ = exam_services.start(user, exam)
        exam_services.submit(attempt.pk, user)
    sheet = read_xlsx(reports_client.get("/admin/academy-reports/exams/", {"export": "xlsx"}))
    body = list(sheet.iter_rows(min_row=2))
    assert_xlsx_text([row[0] for row in body], NASTY)
    # attempts, candidates, passed: numbers in number cells
    assert {(row[1].value, row[1].data_type) for row in body} == {(1, "n")}
    assert {row[4].data_type for row in body} == {"n"}  # the pass rate
    header, *rows = read_csv(reports_client.get("/admin/academy-reports/exams/?export=csv"))
    assert_quoted_text(column(rows, 0), NASTY)
    assert set(column(rows, 1)) == {"1"}


def test_wagtail_own_report_exports_are_guarded(client, home_page):
    """Wagtail's aging-pages report is not the project's code: the guard still applies."""
    for title in NASTY:
        publish_article(home_page, title)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("wagtailadmin_reports:aging_pages")
    header, *rows = read_csv(client.get(url, {"export": "csv"}))
    titles = [row[0] for row in rows if row[0].lstrip("'") in NASTY]
    assert_quoted_text(titles, NASTY)
    sheet = read_xlsx(client.get(url, {"export": "xlsx"}))
    cells = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value in NASTY]
    assert_xlsx_text(cells, NASTY)
    assert Page.objects.filter(title__in=NASTY).count() == len(NASTY)


# --- One module for every download (issue 19): CSV with its BOM, XLSX, both guarded ----------


def test_spreadsheet_response_xlsx_opens_with_guarded_text_and_typed_figures(db):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    when = datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("UTC"))
    rows = [[name, 3, Decimal("66.70"), when, None] for name in NASTY]
    response = exports.spreadsheet_response(
        "figures", ["Name", "Count", "Rate (%)", "When", "Empty"], rows, spreadsheet_format="xlsx"
    )
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    assert 'filename="figures.xlsx"' in response["Content-Disposition"]
    sheet = read_xlsx(response)
    header, *body = list(sheet.iter_rows())
    assert [c.value for c in header] == ["Name", "Count", "Rate (%)", "When", "Empty"]
    assert_xlsx_text([row[0] for row in body], NASTY)
    assert {(row[1].value, row[1].data_type) for row in body} == {(3, "n")}
    assert {(row[2].value, row[2].data_type) for row in body} == {(66.7, "n")}
    # Shanghai local time, as the pages print it; Excel has no time zones.
    assert {row[3].value for row in body} == {datetime(2026, 3, 1, 17, 30)}
    assert {row[4].value for row in body} == {None}


def test_spreadsheet_response_csv_starts_with_a_bom_and_quotes_formulas(db):
    response = exports.spreadsheet_response("figures", ["Name", "Count"], [[n, 1] for n in NASTY])
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = read_csv(response)
    assert_quoted_text(column(rows, 0), NASTY)
    assert set(column(rows, 1)) == {"1"}


def test_the_team_csv_starts_with_a_bom(client, nasty_team):
    admin, _members = nasty_team
    client.force_login(admin.user)
    assert client.get(reverse("growth:team_csv")).content.startswith(b"\xef\xbb\xbf")


def test_the_question_bank_csv_starts_with_a_bom(officer_client):
    bank = QuestionBankFactory()
    export = officer_client.get(reverse("exams_admin:export", args=[bank.pk]))
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert export.content.startswith(b"\xef\xbb\xbf")


def test_team_xlsx_keeps_formula_names_as_text_and_is_personal_data(client, nasty_team):
    from wagtail.models import ModelLogEntry

    admin, _members = nasty_team
    client.force_login(admin.user)
    response = client.get(reverse("growth:team_xlsx"))
    assert response.status_code == 200
    assert 'filename="team-personal-data.xlsx"' in response["Content-Disposition"]
    assert ModelLogEntry.objects.filter(action="academy.export_personal").count() == 1
    header, *body = list(read_xlsx(response).iter_rows())
    names = [row[0] for row in body if row[1].value != admin.user.email]
    assert_xlsx_text(names, NASTY)
    assert {(row[3].value, row[3].data_type) for row in body} == {(0, "n")}
    # The same headings and rows as the CSV.
    csv_header, *csv_rows = read_csv(client.get(reverse("growth:team_csv")))
    assert [c.value for c in header] == csv_header
    assert len(body) == len(csv_rows)


def test_team_xlsx_is_for_the_team_admin_only(client, nasty_team):
    _admin, members = nasty_team
    client.force_login(members[0].user)
    assert client.get(reverse("growth:team_xlsx")).status_code == 403


def test_percent_and_number_are_written_one_way():
    assert exports.percent(2, 3) == 66.7
    assert exports.percent(1, 0) is None
    assert exports.number(Decimal("12.50")) == 12.5
    assert exports.percent_text(Decimal("60.00")) == "60%"
