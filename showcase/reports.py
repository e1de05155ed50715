"""Staff's enquiries report (Wagtail → Reports → Enquiries): volumes and conversion per month,
and per provider, filterable like the academy's other reports (date range, the provider's city,
the enquiry's industry with its sub-industries). Grouped in the database: a fixed number of
queries whatever the volume. Built on Wagtail's ReportView as growth's reports are (the two apps
never import each other, so the small shared plumbing is repeated here)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from academy.models import Industry, Provider

from .models import Enquiry

PERMISSION = "showcase.view_enquiry_report"
TOP_PROVIDERS = 20


def may_view(user) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


def _cities():
    return [
        (c, c)
        for c in Provider.objects.exclude(city="")
        .order_by("city")
        .values_list("city", flat=True)
        .distinct()
    ]


class EnquiryFilterSet(WagtailFilterSet):
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
        model = Enquiry
        fields = []

    def keep(self, queryset, name, value):
        return queryset


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


class EnquiriesReport(ReportView):
    page_title = _("Enquiries report")
    header_icon = "mail"
    url_name = "enquiries"
    results_template_name = "showcase/admin/report_results.html"
    filterset_class = EnquiryFilterSet
    paginate_by = None
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

    def dispatch(self, request, *args, **kwargs):
        if not may_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def index_url_name(self):
        return "showcase_reports:enquiries"

    @property
    def index_results_url_name(self):
        return "showcase_reports:enquiries_results"

    def get_filename(self):
        return f"enquiries-report-{timezone.localdate():%Y%m%d}"

    def filter_queryset(self, queryset):
        return queryset  # applied in enquiries()

    @property
    def filter_values(self) -> dict:
        if self.filters and self.filters.is_valid():
            return {k: v for k, v in self.filters.form.cleaned_data.items() if v}
        return {}

    def enquiries(self):
        values, enquiries = self.filter_values, Enquiry.objects.all()
        if "date_from" in values:
            enquiries = enquiries.filter(created_at__date__gte=values["date_from"])
        if "date_to" in values:
            enquiries = enquiries.filter(created_at__date__lte=values["date_to"])
        if "city" in values:
            enquiries = enquiries.filter(provider__city=values["city"])
        if "industry" in values:
            root = values["industry"]
            enquiries = enquiries.filter(
                Q(industry=root) | Q(industry__parent=root) | Q(industry__parent__parent=root)
            )
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

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        rows = [
            _with_rates(r)
            for r in self.enquiries()
            .values(provider_name=F("provider__name"))
            .annotate(**COUNTS)
            .order_by("-received", "provider_name")[:TOP_PROVIDERS]
        ]
        context["extra_tables"] = [
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
        return context


def urlpatterns():
    return [
        path("enquiries/", EnquiriesReport.as_view(), name="enquiries"),
        path(
            "enquiries/results/",
            EnquiriesReport.as_view(results_only=True),
            name="enquiries_results",
        ),
    ]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view(request.user)


def menu_item() -> MenuItem:
    return ReportMenuItem(
        EnquiriesReport.page_title,
        reverse("showcase_reports:enquiries"),
        name="showcase-enquiries-report",
        icon_name="mail",
        order=950,
    )
