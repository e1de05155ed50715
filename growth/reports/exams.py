"""The exams report: per exam, graded attempts, pass rate, average and the score distribution;
then the hardest questions across those attempts, with the facility and discrimination that
certification computes (certification.services.exam_statistics.item_statistics: one definition
for this report and the exam's statistics page)."""

from __future__ import annotations

from django.db.models import Avg, Count, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import Column

from academy import exports
from academy.charts import Bar, bar_chart
from certification.models import Attempt, Exam
from certification.services.exam_statistics import ItemStats, item_statistics

from .base import GrowthReport

SCORE_BINS = [(0, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 101)]


def _bin_name(low, high) -> str:
    return f"scores_{low}_{min(high, 100)}"


HARDEST_LIMIT = 10
HARDEST_MIN_RESPONSES = 5


class ExamsReport(GrowthReport):
    """Per exam: graded attempts, pass rate, average and the score distribution; then the
    hardest questions across those attempts, from their responses (the per-attempt snapshots).
    """

    page_title = _("Exams report")
    header_icon = "tasks"
    url_name = "exams"
    columns = [
        Column("title", label=_("Exam")),
        Column("attempts", label=pgettext_lazy("number of exam attempts", "Attempts")),
        Column("candidates", label=_("Candidates")),
        Column("passed", label=_("Passed")),
        Column("pass_rate", label=_("Pass rate (%)")),
        Column("average", label=_("Average score (%)")),
    ] + [Column(_bin_name(lo, hi), label=f"{lo}–{min(hi, 100)}") for lo, hi in SCORE_BINS]
    list_export = [c.name for c in columns]
    export_headings = {c.name: c.label for c in columns}

    # The hardest questions as a file of their own (see urlpatterns): same view, same filters.
    HARDEST_FORMATS = exports.FORMATS
    hardest_export = ""

    def get_queryset(self):
        scope = (
            Q(attempts__state=Attempt.State.GRADED)
            & self.dated("attempts__graded_at")
            & self.people("attempts__user__")
        )
        bins = {
            _bin_name(lo, hi): Count(
                "attempts", filter=scope & Q(attempts__score__gte=lo, attempts__score__lt=hi)
            )
            for lo, hi in SCORE_BINS
        }
        rows = list(
            Exam.objects.annotate(
                attempts_n=Count("attempts", filter=scope),
                candidates=Count("attempts__user", filter=scope, distinct=True),
                passed=Count("attempts", filter=scope & Q(attempts__passed=True)),
                average=Avg("attempts__score", filter=scope),
                **bins,
            )
            .filter(attempts_n__gt=0)
            .order_by("title")
            .values("pk", "title", "attempts_n", "candidates", "passed", "average", *bins)
        )
        for row in rows:
            row["attempts"] = row.pop("attempts_n")
            row["pass_rate"] = exports.percent(row["passed"], row["attempts"])
            row["average"] = round(float(row["average"]), 1) if row["average"] is not None else None
        return rows

    def graded_attempts(self):
        """The filtered attempts: graded in the date range, by people of matching companies."""
        return Attempt.objects.filter(
            Q(state=Attempt.State.GRADED) & self.dated("graded_at") & self.people("user__")
        )

    def hardest_questions(self) -> list[ItemStats]:
        """The HARDEST_LIMIT questions with the lowest facility among the filtered attempts,
        among questions with at least HARDEST_MIN_RESPONSES responses (questions still in a
        bank: the list is for editing them)."""
        return item_statistics(
            self.graded_attempts(),
            min_responses=HARDEST_MIN_RESPONSES,
            limit=HARDEST_LIMIT,
            deleted_questions=False,
        )

    def hardest_url(self, spreadsheet_format: str) -> str:
        params = self.request.GET.copy()
        params.pop("export", None)
        query = params.urlencode()
        url = reverse(f"growth_reports:exams_hardest_{spreadsheet_format}")
        return url + (f"?{query}" if query else "")

    @staticmethod
    def hardest_headings() -> list:
        return [
            _("Exam"),
            _("Question"),
            _("Topic"),
            _("Responses"),
            _("Correct (%)"),
            _("Discrimination"),
        ]

    def extra_tables(self):
        questions = self.hardest_questions()
        return [
            {
                "title": _("Hardest questions"),
                "description": _(
                    "The %(limit)s questions with the lowest share of fully correct responses "
                    "in these attempts (questions with at least %(minimum)s responses). "
                    "Discrimination: share correct in the top 27%% of attempts by score minus "
                    "the bottom 27%%; near 0 or below, the question does not tell strong and "
                    "weak candidates apart."
                )
                % {"limit": HARDEST_LIMIT, "minimum": HARDEST_MIN_RESPONSES},
                "headings": self.hardest_headings(),
                "rows": [
                    [
                        q.exam_title,
                        Truncator(q.text).chars(80),
                        q.topic or "—",
                        q.answered,
                        q.facility,
                        "—" if q.discrimination is None else q.discrimination,
                    ]
                    for q in questions
                ],
                "download_url": self.hardest_url(exports.CSV),
                "downloads": [
                    {
                        "url": self.hardest_url(exports.CSV),
                        "label": _("Download the hardest questions (CSV)"),
                    },
                    {
                        "url": self.hardest_url(exports.XLSX),
                        "label": _("Download the hardest questions (XLSX)"),
                    },
                ],
            }
        ]

    def get(self, request, *args, **kwargs):
        if self.hardest_export:
            return self.hardest_questions_file(self.hardest_export)
        return super().get(request, *args, **kwargs)

    def hardest_questions_file(self, spreadsheet_format: str) -> HttpResponse:
        rows = [
            [q.exam_title, q.text, q.topic, q.answered, q.facility, q.discrimination]
            for q in self.hardest_questions()
        ]
        return exports.spreadsheet_response(
            f"hardest-questions-{timezone.localdate():%Y%m%d}",
            self.hardest_headings(),
            rows,
            spreadsheet_format=spreadsheet_format,
        )

    def charts(self, rows):
        bars = [
            Bar(f"{lo}–{min(hi, 100)}%", sum(r[_bin_name(lo, hi)] for r in rows))
            for lo, hi in SCORE_BINS
        ]
        return [
            bar_chart(
                bars,
                title=str(_("Score distribution, all exams")),
                headings=[_("Score band"), pgettext_lazy("number of exam attempts", "Attempts")],
                chart_id="exam-scores",
            )
        ]
