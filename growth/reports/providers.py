"""The providers report: providers per industry, city and growth stage, and how stages moved
between consecutive diagnoses."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import Column

from academy.charts import Bar, bar_chart
from academy.models import GrowthStage, Provider

from ..models import Diagnosis
from .base import GrowthReport


class ProvidersReport(GrowthReport):
    """Providers by industry (the platform's five largest first, by their sort order), city and
    stage, and how stages moved between consecutive diagnoses."""

    page_title = _("Providers report")
    header_icon = "group"
    url_name = "providers"
    columns = [
        Column("industry", label=_("Industry")),
        Column("city", label=_("City")),
        Column("create", label=GrowthStage.CREATE.label),
        Column("capability", label=GrowthStage.CAPABILITY.label),
        Column("operations", label=GrowthStage.OPERATIONS.label),
        Column("expansion", label=GrowthStage.EXPANSION.label),
        Column("total", label=_("Providers")),
    ]
    list_export = [c.name for c in columns]
    export_headings = {c.name: c.label for c in columns}

    def filtered_providers(self):
        providers = Provider.objects.filter(self.dated("created_at"))
        subquery = self.providers()
        if subquery is not None:
            providers = providers.filter(pk__in=subquery)
        return providers

    def get_queryset(self):
        root_name = Coalesce("industries__parent__name", "industries__name")
        root_order = Coalesce("industries__parent__sort_order", "industries__sort_order")
        stages = {
            stage: Count("pk", filter=Q(growth_stage=stage), distinct=True)
            for stage in GrowthStage.values
        }
        return [
            {**r, "city": r.pop("city_name") or "—", "industry": r["industry"] or "—"}
            for r in self._rows(root_name, root_order, stages)
        ]

    def _rows(self, root_name, root_order, stages):
        return (
            self.filtered_providers()
            .values(industry=root_name, industry_order=root_order, city_name=F("city"))
            .annotate(total=Count("pk", distinct=True), **stages)
            .order_by(F("industry_order").asc(nulls_last=True), "industry", "city_name")
        )

    def movements(self) -> list[dict]:
        """Completed diagnoses with the stage of the provider's previous one, counted by pair."""
        previous = (
            Diagnosis.objects.filter(
                provider_id=OuterRef("provider_id"),
                state=Diagnosis.State.COMPLETED,
                completed_at__lt=OuterRef("completed_at"),
            )
            .order_by("-completed_at")
            .values("stage")[:1]
        )
        return list(
            Diagnosis.objects.filter(
                self.dated("completed_at"),
                state=Diagnosis.State.COMPLETED,
                provider__in=self.filtered_providers().values("pk"),
            )
            .annotate(before=Subquery(previous))
            .filter(before__isnull=False)
            .values("before", "stage")
            .annotate(n=Count("pk"))
            .order_by("before", "stage")
        )

    def extra_tables(self):
        labels = dict(GrowthStage.choices)
        order = {s: i for i, s in enumerate(GrowthStage.values)}
        rows = []
        for m in self.movements():
            direction = order[m["stage"]] - order[m["before"]]
            rows.append(
                [
                    labels[m["before"]],
                    labels[m["stage"]],
                    _("up") if direction > 0 else _("down") if direction < 0 else _("same"),
                    m["n"],
                ]
            )
        return [
            {
                "title": _("Stage movement between consecutive diagnoses"),
                "headings": [
                    _("From"),
                    pgettext_lazy("end of a date range", "To"),
                    _("Direction"),
                    _("Diagnoses"),
                ],
                "rows": rows,
            }
        ]

    def charts(self, rows):
        per_stage = [
            Bar(str(label), sum(r[stage] for r in rows)) for stage, label in GrowthStage.choices
        ]
        per_industry = defaultdict(int)
        seen = []
        for r in rows:
            if r["industry"] not in per_industry:
                seen.append(r["industry"])
            per_industry[r["industry"]] += r["total"]
        return [
            bar_chart(
                per_stage,
                title=str(_("Providers per growth stage")),
                headings=[_("Growth stage"), _("Providers")],
                chart_id="stages",
            ),
            bar_chart(
                [Bar(i, per_industry[i]) for i in seen],
                title=str(_("Providers per industry")),
                headings=[_("Industry"), _("Providers")],
                chart_id="industries",
            ),
        ]
