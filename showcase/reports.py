"""Staff's enquiries report (Wagtail → Reports → Enquiries): volumes and conversion per month,
and per provider, filterable like the academy's other reports (date range, the provider's city,
the enquiry's industry with its sub-industries). Grouped in the database: a fixed number of
queries whatever the volume. Built on the academy's report base (academy/reports.py)."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column

from academy.reports import AcademyReport, ReportMenuItem, industry_and_below, urlpatterns_for

from .models import Enquiry

PERMISSION = "showcase.view_enquiry_report"
TOP_PROVIDERS = 20


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


COUNTS = {
    "received": Count("pk"),
    "open": Count("pk", filter=Q(status__in=[Enquiry.Status.NEW, Enquiry.Status.CONTACTED])),
    "contacted": Count("pk", filter=~Q(status=Enquiry.Status.NEW)),
    "won": Count("pk", filter=Q(status=Enquiry.Status.WON)),
    "lost": Count("pk", filter=Q(status=Enquiry.Status.LOST)),
}


def _with_rates(row: dict) -> dict:
    row["contact_rate"] = _percent(row["contacted"], row["received"])
    row["win_rate"] = _percent(row["won"], row["won"] + row["lost"])
    return row


class EnquiriesReport(AcademyReport):
    page_title = _("Enquiries report")
    header_icon = "mail"
    permission = PERMISSION
    url_namespace = "showcase_reports"
    url_name = "enquiries"
    columns = [
        Column("month", label=_("Month")),
        Column("received", label=_("Received")),
        Column("contacted", label=_("Contacted")),
        Column("open", label=_("Still open")),
        Column("won", label=_("Won")),
        Column("lost", label=_("Lost")),
        Column("contact_rate", label=_("Contacted (%)")),
        Column("win_rate", label=_("Won of decided (%)")),
    ]
    list_export = [c.name for c in columns]
    export_headings = {c.name: c.label for c in columns}

    def enquiries(self):
        values, enquiries = self.filter_values, Enquiry.objects.all()
        enquiries = enquiries.filter(self.dated("created_at"))
        if "city" in values:
            enquiries = enquiries.filter(provider__city=values["city"])
        if "industry" in values:
            enquiries = enquiries.filter(industry_and_below("industry", values["industry"]))
        return enquiries

    def get_queryset(self):
        rows = (
            self.enquiries()
            .annotate(month_start=TruncMonth("created_at"))
            .values("month_start")
            .annotate(**COUNTS)
            .order_by("-month_start")
        )
        return [_with_rates({**r, "month": r.pop("month_start").strftime("%Y-%m")}) for r in rows]

    def extra_tables(self) -> list[dict]:
        rows = [
            _with_rates(r)
            for r in self.enquiries()
            .values(provider_name=F("provider__name"))
            .annotate(**COUNTS)
            .order_by("-received", "provider_name")[:TOP_PROVIDERS]
        ]
        return [
            {
                "title": _("Providers with the most enquiries"),
                "headings": [
                    _("Provider"),
                    _("Received"),
                    _("Contacted"),
                    _("Won"),
                    _("Lost"),
                    _("Won of decided (%)"),
                ],
                "rows": [
                    [
                        r["provider_name"],
                        r["received"],
                        r["contacted"],
                        r["won"],
                        r["lost"],
                        "—" if r["win_rate"] is None else r["win_rate"],
                    ]
                    for r in rows
                ],
            }
        ]


def urlpatterns():
    return urlpatterns_for(EnquiriesReport)


def menu_item() -> MenuItem:
    return ReportMenuItem(EnquiriesReport, order=950, name="showcase-enquiries-report")
