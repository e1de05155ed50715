"""What every staff report shares (Wagtail → Reports): the base view `AcademyReport` and the filters
every report offers. The reports themselves live with the app whose figures they show —
growth/reports/ (providers, learning, exams, certification, events), showcase/reports.py
(enquiries) — and each names its permission and URL namespace.

A report is fixed-size (grouped in the database, no pagination), may draw charts above its table
and add tables below it, and exports plain numbers (academy/exports.py).
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from . import exports
from .charts import Chart
from .models import Industry, Provider


def _cities():
    return [
        (c, c)
        for c in Provider.objects.exclude(city="")
        .order_by("city")
        .values_list("city", flat=True)
        .distinct()
    ]


def industry_and_below(field: str, root) -> Q:
    """Rows whose industry (at `field`) is `root` or one of its sub-industries (two levels)."""
    return (
        Q(**{field: root})
        | Q(**{f"{field}__parent": root})
        | Q(**{f"{field}__parent__parent": root})
    )


class ReportFilterSet(WagtailFilterSet):
    """The filters every report offers. The views read the cleaned values themselves
    (`AcademyReport.filter_values`), because each report applies them to a different date and
    through a different path to the company."""

    date_from = django_filters.DateFilter(label=_("From"), widget=AdminDateInput, method="keep")
    date_to = django_filters.DateFilter(
        label=pgettext_lazy("end of a date range", "To"), widget=AdminDateInput, method="keep"
    )
    city = django_filters.ChoiceFilter(label=_("City"), choices=_cities, method="keep")
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"),
        queryset=Industry.objects.filter(parent__isnull=True).order_by("sort_order", "name"),
        method="keep",
    )

    class Meta:
        model = Provider
        fields = []

    def keep(self, queryset, name, value):
        return queryset


class AcademyReport(ReportView):
    """Shared plumbing: permission, filters, fixed-size results, charts, extra tables, exports.

    A subclass sets `permission`, `url_namespace` and `url_name` (its URLs are
    `<namespace>:<name>` and `<namespace>:<name>_results`), `columns`, and `get_queryset()`.
    """

    results_template_name = "academy/reports/results.html"
    filterset_class = ReportFilterSet
    paginate_by = None
    permission = ""
    url_namespace = ""
    url_name = ""

    @classmethod
    def may_view(cls, user) -> bool:
        return user.is_active and user.has_perm(cls.permission)

    def dispatch(self, request, *args, **kwargs):
        if not self.may_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def index_url_name(self):
        return f"{self.url_namespace}:{self.url_name}"

    @property
    def index_results_url_name(self):
        return f"{self.url_namespace}:{self.url_name}_results"

    def get_filename(self):
        return f"{self.url_name}-report-{timezone.localdate():%Y%m%d}"

    def filter_queryset(self, queryset):
        return queryset  # applied inside get_queryset (see ReportFilterSet)

    @property
    def filter_values(self) -> dict:
        if self.filters and self.filters.is_valid():
            return {k: v for k, v in self.filters.form.cleaned_data.items() if v}
        return {}

    def dated(self, field: str) -> Q:
        """Q for rows whose `field` (a datetime) lies in the chosen date range."""
        values, q = self.filter_values, Q()
        if "date_from" in values:
            q &= Q(**{f"{field}__date__gte": values["date_from"]})
        if "date_to" in values:
            q &= Q(**{f"{field}__date__lte": values["date_to"]})
        return q

    def charts(self, rows) -> list[Chart]:
        return []

    def extra_tables(self) -> list[dict]:
        """Tables under the report's own: {"title", "headings", "rows"}, optionally
        "description" and "downloads" (a list of {"url", "label"})."""
        return []

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["charts"] = self.charts(context["object_list"])
        context["extra_tables"] = self.extra_tables()
        return context

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        # Spreadsheets get plain numbers, not Decimal('12.50') strings.
        return {k: exports.number(v) for k, v in row.items()}


def urlpatterns_for(report: type[AcademyReport]) -> list:
    """The report's page and its results fragment (what the filters reload)."""
    return [
        path(f"{report.url_name}/", report.as_view(), name=report.url_name),
        path(
            f"{report.url_name}/results/",
            report.as_view(results_only=True),
            name=f"{report.url_name}_results",
        ),
    ]


class ReportMenuItem(MenuItem):
    """The report's entry in Wagtail's Reports menu, shown to those who may view it."""

    def __init__(self, report: type[AcademyReport], *, order: int, name: str = ""):
        self.report = report
        super().__init__(
            report.page_title,
            reverse(f"{report.url_namespace}:{report.url_name}"),
            name=name or f"academy-{report.url_name}-report",
            icon_name=report.header_icon,
            order=order,
        )

    def is_shown(self, request):
        return self.report.may_view(request.user)
