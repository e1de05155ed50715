"""Staff reports in Wagtail's Reports menu: learning, exams, events, certification, providers.

Each is a Wagtail ReportView (filters, CSV and XLSX export through its spreadsheet mixin) whose
rows are computed by the database: grouped aggregates, conditional counts, window functions
(the median days to complete, the drop-off lesson) and correlated subqueries (the stage a
provider had at its previous diagnosis). Python only merges a handful of already-grouped rows
and draws the charts. Every report runs a fixed number of queries, whatever the volume
(tests/growth/test_reports.py pins them); none needs a summary table at 10,000 users (see
bench/reports.py for the figures).

Filters: date range (on the report's own date: enrolled, graded, event start, issued, provider
registered), and the people's company: city, industry (with its sub-industries), growth stage.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Greatest,
    Round,
    RowNumber,
    TruncMonth,
)
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from academy import exports
from academy.localisation import originals
from academy.models import GrowthStage, Industry, Provider
from certification.models import Attempt, Certificate, Exam, Response
from courses.models import CoursePage, Enrollment
from events.models import EventKind, EventPage, Registration, SessionRating

from .charts import Bar, bar_chart
from .models import Diagnosis

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

    def charts(self, rows) -> list:
        return []

    def extra_tables(self) -> list[dict]:
        return []

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["charts"] = self.charts(context["object_list"])
        context["extra_tables"] = self.extra_tables()
        return context

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        # Spreadsheets get plain numbers, not Decimal('12.50') strings.
        return {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}


def _percent(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- Learning -----------------------------------------------------------------------------------


class LearningReport(AcademyReport):
    page_title = _("Learning report")
    header_icon = "doc-full"
    url_name = "learning"
    columns = [
        Column("title", label=_("Course")),
        Column("enrolments", label=_("Enrolments")),
        Column("started", label=pgettext_lazy("number of people", "Started")),
        Column("completed", label=_("Completed")),
        Column("completion_rate", label=_("Completion rate (%)")),
        Column("median_days", label=_("Median days to complete")),
        Column("drop_off_lesson", label=_("Drop-off lesson")),
        Column("drop_off_count", label=_("Stopped there")),
    ]
    list_export = [c.name for c in columns]
    export_headings = {c.name: c.label for c in columns}

    def get_queryset(self):
        scope = self.dated("enrollments__enrolled_at") & self.people("enrollments__user__")
        enrolments = Enrollment.objects.filter(self.dated("enrolled_at") & self.people("user__"))
        # The lesson most unfinished learners stopped at (their last lesson opened).
        stopped = (
            enrolments.filter(
                course_id=OuterRef("pk"), completed_at__isnull=True, last_lesson__isnull=False
            )
            .order_by()
            .values("last_lesson_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "last_lesson_id")
        )
        courses = list(
            originals(CoursePage.objects)
            .annotate(
                enrolments=Count("enrollments", filter=scope),
                started=Count(
                    "enrollments",
                    filter=scope
                    & (
                        Q(enrollments__last_lesson__isnull=False)
                        | Q(enrollments__completed_at__isnull=False)
                    ),
                ),
                completed=Count(
                    "enrollments", filter=scope & Q(enrollments__completed_at__isnull=False)
                ),
                drop_off_lesson=Subquery(stopped.values("last_lesson__title")[:1]),
                drop_off_count=Subquery(stopped.values("n")[:1]),
            )
            .filter(enrolments__gt=0)
            .order_by("-enrolments", "title")
            .values(
                "pk",
                "title",
                "enrolments",
                "started",
                "completed",
                "drop_off_lesson",
                "drop_off_count",
            )
        )
        medians = self.median_days(enrolments.filter(course_id__in=[c["pk"] for c in courses]))
        for course in courses:
            course["completion_rate"] = _percent(course["completed"], course["enrolments"])
            course["median_days"] = medians.get(course["pk"])
            course["drop_off_lesson"] = course["drop_off_lesson"] or ""
        return courses

    @staticmethod
    def median_days(enrolments) -> dict[int, float]:
        """The median duration per course: window row numbers pick the middle one or two rows."""
        duration = ExpressionWrapper(
            F("completed_at") - F("enrolled_at"), output_field=DurationField()
        )
        ranked = (
            enrolments.filter(completed_at__isnull=False)
            .annotate(
                duration=duration,
                position=Window(RowNumber(), partition_by=F("course_id"), order_by=duration.asc()),
                size=Window(Count("pk"), partition_by=F("course_id")),
            )
            .filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2))
            .values_list("course_id", "duration")
        )
        middles = defaultdict(list)
        for course_id, value in ranked:
            middles[course_id].append(value.total_seconds() / 86400)
        return {k: round(sum(v) / len(v), 1) for k, v in middles.items()}

    def charts(self, rows):
        totals = [sum(r[k] for r in rows) for k in ("enrolments", "started", "completed")]
        return [
            bar_chart(
                [
                    Bar(str(_("Enrolments")), totals[0]),
                    Bar(str(pgettext_lazy("number of people", "Started")), totals[1]),
                    Bar(str(_("Completed")), totals[2]),
                ],
                title=str(_("Enrolments → started → completed, all courses")),
                chart_id="learning-funnel",
            )
        ]


# --- Exams --------------------------------------------------------------------------------------

SCORE_BINS = [(0, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 101)]


def _bin_name(low, high) -> str:
    return f"scores_{low}_{min(high, 100)}"


HARDEST_LIMIT = 10
HARDEST_MIN_RESPONSES = 5
# Kelley's upper and lower groups, as certification.services.exam_statistics takes them.
KELLEY_SHARE = 0.27


class ExamsReport(AcademyReport):
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
            row["pass_rate"] = _percent(row["passed"], row["attempts"])
            row["average"] = round(float(row["average"]), 1) if row["average"] is not None else None
        return rows

    # Set on the URL of the hardest questions' CSV (see urlpatterns): same view, same filters.
    hardest_csv = False

    def graded_attempts(self, prefix: str = "") -> Q:
        return (
            Q(**{f"{prefix}state": Attempt.State.GRADED})
            & self.dated(f"{prefix}graded_at")
            & self.people(f"{prefix}user__")
        )

    def hardest_questions(self) -> list[dict]:
        """The questions with the lowest facility among the filtered graded attempts.

        Facility: the share of responses fully correct (all the points), among questions with at
        least HARDEST_MIN_RESPONSES responses, per exam and question. Discrimination: facility in
        the top 27 % of the exam's filtered attempts by score minus facility in the bottom 27 %
        (from -1 to 1), the groups ranked by a window function. One query: both groups are
        subqueries in the FILTER clauses of two averages.

        Unlike the exam statistics page, which averages partial credit, this counts only full
        marks as correct; for all-or-nothing questions the two agree.
        """
        ranked = (
            Attempt.objects.filter(self.graded_attempts())
            .annotate(
                position=Window(
                    RowNumber(),
                    partition_by=F("exam_id"),
                    order_by=[F("score").asc(), F("pk").asc()],
                ),
                size=Window(Count("pk"), partition_by=F("exam_id")),
            )
            .annotate(
                group=Cast(
                    Greatest(Round(Cast("size", FloatField()) * Value(KELLEY_SHARE)), Value(1.0)),
                    IntegerField(),
                )
            )
            .filter(size__gte=2)
        )
        lower = Q(attempt_id__in=ranked.filter(position__lte=F("group")).values("pk"))
        upper = Q(attempt_id__in=ranked.filter(position__gt=F("size") - F("group")).values("pk"))
        # 1 for a fully correct response, else 0: its average over a group is that group's facility.
        hit = Case(
            When(Q(points__gt=0, points_awarded__gte=F("points")), then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        rows = (
            Response.objects.filter(self.graded_attempts("attempt__"), question__isnull=False)
            # Grouped by the exam's and the question's primary keys: PostgreSQL then groups by
            # those two integers only, not by the texts (much faster sorts).
            .values(
                "attempt__exam__id",
                "question__id",
                exam_title=F("attempt__exam__title"),
                question_text=F("question__text"),
                question_topic=F("question__topic"),
            )
            .annotate(
                responses=Count("pk"),
                facility=Avg(hit),
                # Null when either group has no response to this question.
                discrimination=Avg(hit, filter=upper) - Avg(hit, filter=lower),
            )
            .filter(responses__gte=HARDEST_MIN_RESPONSES)
            .order_by("facility", "-responses", "exam_title", "question__id")
        )[:HARDEST_LIMIT]
        return [
            {
                "exam": row["exam_title"],
                "text": row["question_text"],
                "topic": row["question_topic"],
                "responses": row["responses"],
                "facility": round(100 * row["facility"], 1),
                "discrimination": (
                    round(row["discrimination"], 2) if row["discrimination"] is not None else None
                ),
            }
            for row in rows
        ]

    def hardest_csv_url(self) -> str:
        params = self.request.GET.copy()
        params.pop("export", None)
        query = params.urlencode()
        return reverse("growth_reports:exams_hardest_csv") + (f"?{query}" if query else "")

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
                "headings": [
                    _("Exam"),
                    _("Question"),
                    _("Topic"),
                    _("Responses"),
                    _("Correct (%)"),
                    _("Discrimination"),
                ],
                "rows": [
                    [
                        q["exam"],
                        Truncator(q["text"]).chars(80),
                        q["topic"] or "—",
                        q["responses"],
                        q["facility"],
                        "—" if q["discrimination"] is None else q["discrimination"],
                    ]
                    for q in questions
                ],
                "download_url": self.hardest_csv_url(),
                "download_label": _("Download the hardest questions (CSV)"),
            }
        ]

    def get(self, request, *args, **kwargs):
        if self.hardest_csv:
            return self.hardest_questions_csv()
        return super().get(request, *args, **kwargs)

    def hardest_questions_csv(self) -> HttpResponse:
        response, writer = exports.csv_response(
            f"hardest-questions-{timezone.localdate():%Y%m%d}.csv"
        )
        writer.writerow(
            [
                _("Exam"),
                _("Question"),
                _("Topic"),
                _("Responses"),
                _("Correct (%)"),
                _("Discrimination"),
            ]
        )
        for q in self.hardest_questions():
            writer.writerow(
                [
                    q["exam"],
                    q["text"],
                    q["topic"],
                    q["responses"],
                    q["facility"],
                    "" if q["discrimination"] is None else q["discrimination"],
                ]
            )
        return response

    def charts(self, rows):
        bars = [
            Bar(f"{lo}–{min(hi, 100)}%", sum(r[_bin_name(lo, hi)] for r in rows))
            for lo, hi in SCORE_BINS
        ]
        return [
            bar_chart(bars, title=str(_("Score distribution, all exams")), chart_id="exam-scores")
        ]


# --- Events -------------------------------------------------------------------------------------


class EventsReport(AcademyReport):
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
            row["fill_rate"] = _percent(row["confirmed"], row["capacity"])
            row["no_show_rate"] = _percent(row["no_show"], row["attended"] + row["no_show"])
        return list(groups.values())

    def charts(self, rows):
        by_city = defaultdict(lambda: [0, 0])
        for r in rows:
            by_city[r["city"]][0] += r["confirmed"]
            by_city[r["city"]][1] += r["capacity"] or 0
        bars = [Bar(city, _percent(c, s) or 0) for city, (c, s) in sorted(by_city.items())]
        return [
            bar_chart(
                bars, title=str(_("Fill rate per city")), maximum=100, unit="%", chart_id="fill"
            )
        ]


# --- Certification ------------------------------------------------------------------------------


class CertificationReport(AcademyReport):
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
        return [bar_chart(bars, title=str(_("Certificates issued per month")), chart_id="issued")]


# --- Providers ----------------------------------------------------------------------------------


class ProvidersReport(AcademyReport):
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
            bar_chart(per_stage, title=str(_("Providers per growth stage")), chart_id="stages"),
            bar_chart(
                [Bar(i, per_industry[i]) for i in seen],
                title=str(_("Providers per industry")),
                chart_id="industries",
            ),
        ]


REPORTS = [LearningReport, ExamsReport, EventsReport, CertificationReport, ProvidersReport]


def urlpatterns():
    patterns = []
    for report in REPORTS:
        view = report.as_view()
        results = report.as_view(results_only=True)
        patterns += [
            path(f"{report.url_name}/", view, name=report.url_name),
            path(f"{report.url_name}/results/", results, name=f"{report.url_name}_results"),
        ]
    patterns.append(
        path(
            "exams/hardest-questions.csv",
            ExamsReport.as_view(hardest_csv=True),
            name="exams_hardest_csv",
        )
    )
    return patterns


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_reports(request.user)


def menu_items() -> list[MenuItem]:
    return [
        ReportMenuItem(
            report.page_title,
            reverse(f"growth_reports:{report.url_name}"),
            name=f"academy-{report.url_name}-report",
            icon_name=report.header_icon,
            order=900 + n,
        )
        for n, report in enumerate(REPORTS)
    ]
