"""Staff reports in Wagtail's Reports menu: learning, exams, events, certification, providers.

Each is a Wagtail ReportView (filters, CSV and XLSX export through its spreadsheet mixin) whose
rows are computed by the database: grouped aggregates, conditional counts, window functions
(the median days to complete, the drop-off lesson) and correlated subqueries (the stage a
provider had at its previous diagnosis). Python only merges a handful of already-grouped rows
and draws the charts (academy/charts.py). Every report runs a fixed number of queries, whatever
the volume (tests/growth/test_reports.py pins them); none needs a summary table at 10,000 users
(see bench/reports.py for the figures).

One module per report. What every staff report shares (filters, charts, exports, URLs, menu item)
is academy/reports.py; base.py adds growth's permission, the growth-stage filter and the filters
through a company. To add a report: a module with a `GrowthReport` subclass (its `url_name`,
`columns`, `get_queryset`, and `charts`/`extra_tables` if it draws or lists more), then add it to
`REPORTS` below; its URLs and menu item follow.
"""

from __future__ import annotations

from django.urls import path
from wagtail.admin.menu import MenuItem

from academy.reports import ReportMenuItem, urlpatterns_for

from .base import PERMISSION, GrowthReport, GrowthReportFilterSet, may_view_reports
from .certification import CertificationReport
from .events import EventsReport
from .exams import ExamsReport
from .learning import LearningReport
from .providers import ProvidersReport

__all__ = [
    "PERMISSION",
    "REPORTS",
    "GrowthReport",
    "CertificationReport",
    "EventsReport",
    "ExamsReport",
    "LearningReport",
    "ProvidersReport",
    "GrowthReportFilterSet",
    "may_view_reports",
    "menu_items",
    "urlpatterns",
]

REPORTS = [LearningReport, ExamsReport, EventsReport, CertificationReport, ProvidersReport]


def urlpatterns():
    patterns = [pattern for report in REPORTS for pattern in urlpatterns_for(report)]
    # The exams report's second table, as a file of its own (same view, same filters).
    for spreadsheet_format in ExamsReport.HARDEST_FORMATS:
        patterns.append(
            path(
                f"exams/hardest-questions.{spreadsheet_format}",
                ExamsReport.as_view(hardest_export=spreadsheet_format),
                name=f"exams_hardest_{spreadsheet_format}",
            )
        )
    return patterns


def menu_items() -> list[MenuItem]:
    return [ReportMenuItem(report, order=900 + n) for n, report in enumerate(REPORTS)]
