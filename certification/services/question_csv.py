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
report names each bad row by its line in the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

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


@dataclass
class ImportReport:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    question: Question
    choices: list[tuple[str, bool]]


def export_bank(bank: QuestionBank) -> str:
    out = io.StringIO()
    writer = exports.csv_writer(out)
    writer.writerow(COLUMNS)
    for q in bank.questions.prefetch_related("choices").order_by("pk"):
        choices = list(q.choices.all())
        writer.writerow(
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
    # A BOM so that spreadsheet programs open the Chinese text as UTF-8.
    return "\ufeff" + out.getvalue()


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
        if points <= 0 or points >= 1000:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(_("points must be a number greater than 0"))
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
            problems.append(_("at most 10 choices"))
        letters = [
            x.strip().upper() for x in correct_raw.replace("，", ",").split(",") if x.strip()
        ]
        bad = [x for x in letters if x not in LETTERS[: len(texts)]]
        if bad or not letters:
            problems.append(
                _("“correct” must name the right choices by letter (A–%(last)s)")
                % {"last": LETTERS[max(len(texts), 1) - 1]}
            )
        elif kind != Question.Kind.MULTIPLE and len(letters) != 1:
            problems.append(_("this type has exactly one correct choice"))
        choices = [(t, LETTERS[i] in letters) for i, t in enumerate(texts)]
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


def import_questions(bank: QuestionBank, data: bytes) -> ImportReport:
    """Add the file's questions to `bank`, all of them or none; the report lists bad lines."""
    report = ImportReport()
    if len(data) > MAX_BYTES:
        report.errors.append((0, _("The file is larger than 5 MB.")))
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((0, _("The file is not UTF-8 text. Save it as “CSV UTF-8”.")))
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
    try:
        for record in reader:
            line = reader.line_num
            if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
                continue
            parsed, problems = _parse_row(bank, record)
            for problem in problems:
                report.errors.append((line, problem))
            if parsed:
                rows.append(parsed)
    except csv.Error as error:
        report.errors.append((reader.line_num, _("Unreadable CSV: %(error)s") % {"error": error}))
    if not rows and not report.errors:
        report.errors.append((0, _("The file holds no questions.")))
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
