"""The learning report: per course, enrolments, starts, completions, the median days to
complete, and the lesson most unfinished learners stopped at."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import Column

from academy.charts import Bar, bar_chart
from academy.exports import percent
from academy.localisation import originals
from courses.models import CoursePage, Enrollment

from .base import GrowthReport


class LearningReport(GrowthReport):
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
            course["completion_rate"] = percent(course["completed"], course["enrolments"])
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
                headings=[pgettext_lazy("learning funnel", "Step"), _("Enrolments")],
                chart_id="learning-funnel",
            )
        ]
