"""Questions as CSV (UTF-8): export a bank, import into a bank all-or-nothing.

Columns (the export writes them, the import reads them by name; only `kind` and `text` are
required):

    kind, text, choices, correct, topic, difficulty, points, scoring, explanation, model_answer,
    status

- kind: single | multiple | true_false | short (Chinese labels 单选/多选/判断/简答 also read);
- choices: the options separated by "|" (true_false may leave it empty: 正确|错误);
- correct: letters of the right options, "A" or "A,C" (true_false also takes true/false, 对/错);
- difficulty: 1–3; points: > 0; scoring: all | partial; status: draft | active | retired.

Every row is checked before anything is written; one bad row means nothing is imported and the
report names each bad row by its line in the file. A file that is not text (NUL or other control
bytes, not UTF-8, UTF-16) is refused as a whole with the first line that shows it. A cell that
starts like a spreadsheet formula (=, +, @) is imported as the text it is, with a warning: the
site never evaluates it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from academy import exports

from ..models import Choice, Question, QuestionBank

COLUMNS = [
    "kind",
    "text",
    "choices",
    "correct",
    "topic",
    "difficulty",
    "points",
    "scoring",
    "explanation",
    "model_answer",
    "status",
]
KIND_ALIASES = {
    "single": Question.Kind.SINGLE,
    "单选": Question.Kind.SINGLE,
    "單選": Question.Kind.SINGLE,
    "multiple": Question.Kind.MULTIPLE,
    "多选": Question.Kind.MULTIPLE,
    "多選": Question.Kind.MULTIPLE,
    "true_false": Question.Kind.TRUE_FALSE,
    "判断": Question.Kind.TRUE_FALSE,
    "判斷": Question.Kind.TRUE_FALSE,
    "short": Question.Kind.SHORT,
    "简答": Question.Kind.SHORT,
    "簡答": Question.Kind.SHORT,
}
TRUE_WORDS = {"true", "t", "对", "對", "正确", "正確", "是"}
FALSE_WORDS = {"false", "f", "错", "錯", "错误", "錯誤", "否"}
LETTERS = "ABCDEFGHIJ"
MAX_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 2000
MAX_REPORTED = 50
# Choice.text's column; longer text would fail in the database after the checks passed.
MAX_CHOICE_LENGTH = 500
# C0 control characters other than tab, line feed and carriage return: no text file has them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_START = ("=", "+", "@")


@dataclass
class ImportReport:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    question: Question
    choices: list[tuple[str, bool]]


def export_bank(bank: QuestionBank) -> str:
    rows = [COLUMNS]
    for q in bank.questions.prefetch_related("choices").order_by("pk"):
        choices = list(q.choices.all())
        rows.append(
            [
                q.kind,
                q.text,
                "|".join(c.text for c in choices),
                ",".join(LETTERS[i] for i, c in enumerate(choices) if c.is_correct),
                q.topic,
                q.difficulty,
                q.points.normalize(),
                q.scoring,
                q.explanation,
                q.model_answer,
                q.status,
            ]
        )
    return exports.csv_document(rows)


def _parse_row(bank: QuestionBank, row: dict[str, str]) -> tuple[_Row | None, list[str]]:
    problems = []
    # csv_text: a text our export quoted (one starting with "=" or "-", say) reads back as typed.
    get = lambda name: exports.csv_text(row.get(name) or "").strip()  # noqa: E731
    kind = KIND_ALIASES.get(get("kind").lower())
    if kind is None:
        problems.append(
            _("unknown type “%(kind)s” (use single, multiple, true_false or short)")
            % {"kind": get("kind")}
        )
    text = get("text")
    if not text:
        problems.append(_("the question text is empty"))
    difficulty = get("difficulty") or "2"
    if difficulty not in ("1", "2", "3"):
        problems.append(_("difficulty must be 1, 2 or 3"))
    try:
        points = Decimal(get("points") or "1")
        if not points.is_finite() or points <= 0 or points >= 1000:
            raise InvalidOperation
        if points.as_tuple().exponent < -2:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(_("points must be a number greater than 0 and below 1000, two decimals"))
        points = Decimal(1)
    scoring = get("scoring") or Question.Scoring.ALL_OR_NOTHING
    if scoring not in Question.Scoring.values:
        problems.append(_("scoring must be “all” or “partial”"))
    status = get("status") or Question.Status.ACTIVE
    if status not in Question.Status.values:
        problems.append(_("status must be draft, active or retired"))
    choices: list[tuple[str, bool]] = []
    if kind in Question.CHOICE_KINDS:
        texts = [t.strip() for t in get("choices").split("|") if t.strip()]
        correct_raw = get("correct")
        if kind == Question.Kind.TRUE_FALSE:
            texts = texts or [_("True"), _("False")]
            if correct_raw.lower() in TRUE_WORDS:
                correct_raw = "A"
            elif correct_raw.lower() in FALSE_WORDS:
                correct_raw = "B"
        if len(texts) < 2:
            problems.append(_("a choice question needs at least two choices separated by “|”"))
        elif len(texts) > len(LETTERS):
            problems.append(
                _("%(count)d choices: at most 10 (A–J) are possible") % {"count": len(texts)}
            )
        if any(len(t) > MAX_CHOICE_LENGTH for t in texts):
            problems.append(
                _("a choice is longer than %(max)d characters") % {"max": MAX_CHOICE_LENGTH}
            )
        usable = LETTERS[: min(len(texts), len(LETTERS))]
        letters = [
            x.strip().upper() for x in correct_raw.replace("，", ",").split(",") if x.strip()
        ]
        bad = [x for x in letters if x not in usable]
        if bad or not letters:
            problems.append(
                _("“correct” must name the right choices by letter (A–%(last)s)")
                % {"last": usable[-1] if usable else "A"}
            )
        elif kind != Question.Kind.MULTIPLE and len(letters) != 1:
            problems.append(_("this type has exactly one correct choice"))
        choices = [(t, letter in letters) for letter, t in zip(usable, texts, strict=False)]
    if problems:
        return None, problems
    question = Question(
        bank=bank,
        kind=kind,
        text=text,
        topic=get("topic")[:100],
        difficulty=int(difficulty),
        points=points,
        scoring=scoring,
        explanation=get("explanation"),
        model_answer=get("model_answer"),
        status=status,
    )
    return _Row(question, choices), []


def _decode(data: bytes, report: ImportReport) -> str | None:
    """The file as text, or None with the reason in `report`."""
    if len(data) > MAX_BYTES:
        report.errors.append((0, _("The file is larger than 5 MB.")))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.errors.append(
            (0, _("The file is UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and try again."))
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        report.errors.append(
            (line, _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
        )
        return None
    if not text.strip():
        report.errors.append((0, _("The file is empty.")))
        return None
    # split("\n"), not splitlines(): the latter also splits at \x0b, \x0c and \x1c–\x1e.
    for number, line in enumerate(text.split("\n"), start=1):
        found = CONTROL.search(line)
        if found:
            report.errors.append(
                (
                    number,
                    _(
                        "The line contains a control character (U+%(code)04X), which no text "
                        "has: the file is damaged or not a CSV file."
                    )
                    % {"code": ord(found.group())},
                )
            )
            if len(report.errors) >= MAX_REPORTED:
                break
    return None if report.errors else text


def _formula_warnings(record: dict, line: int) -> list[tuple[int, str]]:
    return [
        (
            line,
            _("The “%(column)s” cell starts with “%(char)s”: it is imported as text.")
            % {"column": column, "char": value.lstrip()[0]},
        )
        for column, value in record.items()
        if isinstance(column, str)
        and isinstance(value, str)
        and value.lstrip().startswith(FORMULA_START)
    ]


def import_questions(bank: QuestionBank, data: bytes) -> ImportReport:
    """Add the file's questions to `bank`, all of them or none; the report lists bad lines."""
    report = ImportReport()
    text = _decode(data, report)
    if text is None:
        return report
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = headers
    missing = [c for c in ("kind", "text") if c not in headers]
    if missing:
        report.errors.append(
            (1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        )
        return report
    rows: list[_Row] = []
    seen = 0
    try:
        for record in reader:
            line = reader.line_num
            if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
                continue
            seen += 1
            if seen > MAX_QUESTIONS:
                report.errors.append(
                    (line, _("At most %(max)d questions per file.") % {"max": MAX_QUESTIONS})
                )
                break
            parsed, problems = _parse_row(bank, record)
            for problem in problems:
                report.errors.append((line, problem))
            if parsed:
                rows.append(parsed)
                report.warnings.extend(_formula_warnings(record, line))
    except csv.Error as error:
        report.errors.append((reader.line_num, _("Unreadable CSV: %(error)s") % {"error": error}))
    if not rows and not report.errors:
        report.errors.append((0, _("The file holds no questions.")))
    if len(report.errors) > MAX_REPORTED:
        hidden = len(report.errors) - MAX_REPORTED
        report.errors[MAX_REPORTED:] = [
            (
                0,
                ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", hidden)
                % {"count": hidden},
            )
        ]
    if report.errors:
        return report
    with transaction.atomic():
        questions = Question.objects.bulk_create([row.question for row in rows])
        Choice.objects.bulk_create(
            [
                Choice(question=q, text=text, is_correct=ok, sort_order=i)
                for q, row in zip(questions, rows, strict=True)
                for i, (text, ok) in enumerate(row.choices)
            ]
        )
    report.created = len(questions)
    return report
