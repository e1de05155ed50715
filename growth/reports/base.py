"""What growth's reports add to the academy's report base (academy/reports.py): their
permission and URL namespace, the growth-stage filter, and the filters applied through a
person's or a company's provider."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from academy.models import GrowthStage, Provider
from academy.reports import AcademyReport, ReportFilterSet, industry_and_below

PERMISSION = "growth.view_reports"


def may_view_reports(user) -> bool:
    return GrowthReport.may_view(user)


class GrowthReportFilterSet(ReportFilterSet):
    stage = django_filters.ChoiceFilter(
        label=_("Growth stage"), choices=GrowthStage.choices, method="keep"
    )


class GrowthReport(AcademyReport):
    filterset_class = GrowthReportFilterSet
    permission = PERMISSION
    url_namespace = "growth_reports"

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
            providers = providers.filter(industry_and_below("industries", values["industry"]))
        return providers.values("pk")

    def people(self, prefix: str, filters=("city", "industry", "stage")) -> Q:
        """Q for rows whose person (at `prefix`, e.g. 'user__') is in a matching company."""
        providers = self.providers(filters)
        if providers is None:
            return Q()
        return Q(**{f"{prefix}academy_membership__provider__in": providers})
