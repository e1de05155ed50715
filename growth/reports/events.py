"""The events report: per city and kind of event, seats, confirmed registrations, the
waitlist, attendance, no-shows and the lecturers' average rating."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from academy.charts import Bar, bar_chart
from academy.exports import percent
from academy.localisation import originals
from events.models import EventKind, EventPage, Registration, SessionRating

from .base import GrowthReport


class EventsReport(GrowthReport):
    page_title = _("Events report")
    header_icon = "date"
    url_name = "events"
    columns = [
        Column("city", label=_("City")),
        Column("kind_label", label=_("Kind")),
        Column("events", label=_("Events")),
        Column("capacity", label=_("Seats")),
        Column("confirmed", label=_("Confirmed")),
        Column("fill_rate", label=_("Fill rate (%)")),
        Column("waitlisted", label=_("On the waitlist")),
        Column("attended", label=_("Attended")),
        Column("no_show", label=_("No-show")),
        Column("no_show_rate", label=_("No-show rate (%)")),
        Column("rating", label=_("Average lecturer rating")),
    ]
    list_export = [c.name for c in columns]
    export_headings = {c.name: c.label for c in columns}

    def get_queryset(self):
        events = originals(EventPage.objects).filter(self.dated("start"), live=True)
        values = self.filter_values
        if "city" in values:
            events = events.filter(city=values["city"])
        groups = {
            (r["city"], r["kind"]): r
            for r in events.values("city", "kind")
            .annotate(events=Count("pk"), capacity=Sum("capacity"))
            .order_by("city", "kind")
        }
        # Company filters other than the city (which is the event's) apply to the registrants;
        # ratings reach their person through the registration.
        company = ("industry", "stage")
        registrations = (
            Registration.objects.filter(
                self.people("user__", company), event__in=events.values("pk")
            )
            .values("event__city", "event__kind")
            .annotate(
                confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
                waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
                attended=Count(
                    "pk",
                    filter=Q(
                        attendance__in=[
                            Registration.Attendance.ATTENDED,
                            Registration.Attendance.PARTIAL,
                        ]
                    ),
                ),
                no_show=Count("pk", filter=Q(attendance=Registration.Attendance.NO_SHOW)),
            )
            .order_by()
        )
        ratings = (
            SessionRating.objects.filter(
                self.people("registration__user__", company),
                registration__event__in=events.values("pk"),
            )
            .values("registration__event__city", "registration__event__kind")
            .annotate(rating=Avg("score"))
            .order_by()
        )
        kinds = dict(EventKind.choices)
        for row in groups.values():
            row.update(confirmed=0, waitlisted=0, attended=0, no_show=0, rating=None)
            row["kind_label"] = str(kinds.get(row["kind"], row["kind"]))
        for r in registrations:
            row = groups.get((r["event__city"], r["event__kind"]))
            if row is not None:
                row.update({k: r[k] for k in ("confirmed", "waitlisted", "attended", "no_show")})
        for r in ratings:
            row = groups.get((r["registration__event__city"], r["registration__event__kind"]))
            if row is not None and r["rating"] is not None:
                row["rating"] = round(float(r["rating"]), 2)
        for row in groups.values():
            row["fill_rate"] = percent(row["confirmed"], row["capacity"])
            row["no_show_rate"] = percent(row["no_show"], row["attended"] + row["no_show"])
        return list(groups.values())

    def charts(self, rows):
        by_city = defaultdict(lambda: [0, 0])
        for r in rows:
            by_city[r["city"]][0] += r["confirmed"]
            by_city[r["city"]][1] += r["capacity"] or 0
        bars = [Bar(city, percent(c, s) or 0) for city, (c, s) in sorted(by_city.items())]
        return [
            bar_chart(
                bars,
                title=str(_("Fill rate per city")),
                headings=[_("City"), _("Fill rate")],
                maximum=100,
                unit="%",
                chart_id="fill",
            )
        ]
