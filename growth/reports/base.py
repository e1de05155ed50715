"""What every staff report shares: the permission, the filters, and AcademyReport (fixed-size
results, charts, extra tables, exports with plain numbers)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from academy import exports
from academy.charts import Chart
from academy.models import GrowthStage, Industry, Provider

PERMISSION = "growth.view_reports"


def may_view_reports(user) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


def _cities():
    return [
        (c, c)
        for c in Provider.objects.exclude(city="")
        .order_by("city")
        .values_list("city", flat=True)
        .distinct()
    ]


class ReportFilterSet(WagtailFilterSet):
    """The filters every report offers; the views read the cleaned values themselves, because
    each report applies them to a different date and through a different path to the company."""

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
    stage = django_filters.ChoiceFilter(
        label=_("Growth stage"), choices=GrowthStage.choices, method="keep"
    )

    class Meta:
        model = Provider
        fields = []

    def keep(self, queryset, name, value):
        return queryset


class AcademyReport(ReportView):
    """Shared plumbing: permission, filters, fixed-size results (no pagination), charts."""

    results_template_name = "growth/reports/results.html"
    filterset_class = ReportFilterSet
    paginate_by = None
    url_name = ""
    date_field = ""  # the report's own date, for the date range

    def dispatch(self, request, *args, **kwargs):
        if not may_view_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def index_url_name(self):
        return f"growth_reports:{self.url_name}"

    @property
    def index_results_url_name(self):
        return f"growth_reports:{self.url_name}_results"

    def get_filename(self):
        return f"{self.url_name}-report-{timezone.localdate():%Y%m%d}"

    def filter_queryset(self, queryset):
        return queryset  # applied inside get_queryset (see ReportFilterSet)

    @property
    def filter_values(self) -> dict:
        if self.filters and self.filters.is_valid():
            return {k: v for k, v in self.filters.form.cleaned_data.items() if v}
        return {}

    def providers(self, filters=("city", "industry", "stage")):
        """Provider ids matching the company filters, as a subquery; None when unfiltered.
        `filters` names the filters that apply to the company (for events, the city is the
        event's own)."""
        values = {k: v for k, v in self.filter_values.items() if k in filters}
        if not any(k in values for k in ("city", "industry", "stage")):
            return None
        providers = Provider.objects.all()
        if "city" in values:
            providers = providers.filter(city=values["city"])
        if "stage" in values:
            providers = providers.filter(growth_stage=values["stage"])
        if "industry" in values:
            root = values["industry"]
            providers = providers.filter(
                Q(industries=root) | Q(industries__parent=root) | Q(industries__parent__parent=root)
            )
        return providers.values("pk")

    def people(self, prefix: str, filters=("city", "industry", "stage")) -> Q:
        """Q for rows whose person (at `prefix`, e.g. 'user__') is in a matching company."""
        providers = self.providers(filters)
        if providers is None:
            return Q()
        return Q(**{f"{prefix}academy_membership__provider__in": providers})

    def dated(self, field: str) -> Q:
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
