"""The certification report: certificates issued, revoked and expiring per programme and
month, and the certified people per industry and city of their company."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import Column

from academy.charts import Bar, bar_chart
from certification.models import Certificate

from .base import GrowthReport


class CertificationReport(GrowthReport):
    page_title = _("Certification report")
    header_icon = "success"
    url_name = "certification"
    columns = [
        Column("programme", label=_("Programme")),
        Column("month", label=_("Month")),
        Column("issued", label=pgettext_lazy("number of certificates", "Issued")),
        Column("revoked", label=_("Revoked")),
        Column("expiring", label=_("Expiring")),
    ]
    list_export = [c.name for c in columns]
    export_headings = {c.name: c.label for c in columns}

    def _monthly(self, field: str, extra: Q | None = None):
        extra = extra or Q()
        return (
            Certificate.objects.filter(
                extra & self.dated(field) & self.people("holder__"), **{f"{field}__isnull": False}
            )
            .annotate(month=TruncMonth(field))
            .values("programme__title", "month")
            .annotate(n=Count("pk"))
            .order_by()
        )

    def get_queryset(self):
        rows: dict = {}
        for key, queryset in (
            ("issued", self._monthly("issued_at")),
            ("revoked", self._monthly("revoked_at")),
            ("expiring", self._monthly("expires_at", Q(status=Certificate.Status.VALID))),
        ):
            for r in queryset:
                month = r["month"].strftime("%Y-%m")
                row = rows.setdefault(
                    (r["programme__title"], month),
                    {
                        "programme": r["programme__title"],
                        "month": month,
                        "issued": 0,
                        "revoked": 0,
                        "expiring": 0,
                    },
                )
                row[key] = r["n"]
        return [rows[k] for k in sorted(rows)]

    def extra_tables(self):
        """Holders of a valid certificate per industry and city of their company."""
        rows = (
            Certificate.objects.filter(self.people("holder__"), status=Certificate.Status.VALID)
            .values(
                industry=Coalesce(
                    "holder__academy_membership__provider__industries__parent__name",
                    "holder__academy_membership__provider__industries__name",
                ),
                city=F("holder__academy_membership__provider__city"),
            )
            .annotate(lecturers=Count("holder", distinct=True))
            .order_by("industry", "city")
        )
        return [
            {
                "title": _("Certified people per industry and city"),
                "headings": [_("Industry"), _("City"), _("Certified")],
                "rows": [[r["industry"] or "—", r["city"] or "—", r["lecturers"]] for r in rows],
            }
        ]

    def charts(self, rows):
        per_month = defaultdict(int)
        for r in rows:
            per_month[r["month"]] += r["issued"]
        bars = [Bar(m, n) for m, n in sorted(per_month.items())[-12:]]
        return [
            bar_chart(
                bars,
                title=str(_("Certificates issued per month")),
                headings=[_("Month"), pgettext_lazy("number of certificates", "Issued")],
                chart_id="issued",
            )
        ]
