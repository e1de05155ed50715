"""Admin of learners' questions: staff read them with their answers and reports, hide or restore
them (the edit form's one field: status) and delete them. Hiding and deleting take a question
off its page and out of search (courses/receivers.py re-indexes every saved question)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import ModelPermissionPolicy, register_permission_policy

from .questions import Question


class QuestionPolicy(ModelPermissionPolicy):
    """Questions are asked on the site, never added in the admin."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Question, QuestionPolicy(Question))


class QuestionFilterSet(WagtailFilterSet):
    answered = django_filters.ChoiceFilter(
        label=pgettext_lazy("a question", "Answered"),
        choices=[("yes", _("answered")), ("no", _("waiting for an answer"))],
        method="filter_answered",
        empty_label=_("All"),
    )
    reported = django_filters.ChoiceFilter(
        label=_("Reported"),
        choices=[("yes", _("reported by readers")), ("no", _("not reported"))],
        method="filter_reported",
        empty_label=_("All"),
    )

    class Meta:
        model = Question
        fields = ["status", "answered", "reported"]

    def filter_answered(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(answered_at__isnull=False)
        if value == "no":
            return queryset.filter(answered_at__isnull=True)
        return queryset

    def filter_reported(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(report_count__gt=0)
        if value == "no":
            return queryset.filter(Q(report_count=0))
        return queryset


class QuestionIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("asker", "page")
            .order_by("-report_count", "-created_at", "-pk")
        )


class QuestionViewSet(ModelViewSet):
    model = Question
    index_view_class = QuestionIndexView
    icon = "help"
    menu_label = _("Learner questions")
    menu_order = 240
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["status"]
    list_per_page = 50
    filterset_class = QuestionFilterSet
    search_fields = ["title", "body"]
    list_display = [
        TitleColumn(
            "title", label=pgettext_lazy("question", "question"), url_name="learner_questions:edit"
        ),
        Column("page", label=_("asked on")),
        StatusTagColumn(
            "get_status_display",
            label=pgettext_lazy("question", "status"),
            primary=lambda q: q.status == Question.Status.PUBLISHED,
        ),
        DateColumn("created_at", label=pgettext_lazy("timestamp", "asked")),
        DateColumn("answered_at", label=_("first answered")),
        Column("vote_count", label=_("“me too” votes")),
        Column("report_count", label=_("reports")),
    ]
    inspect_view_fields = [
        "title",
        "body",
        "page",
        "course",
        "status",
        "created_at",
        "answered_at",
        "asker_notified_at",
        "vote_count",
        "report_count",
        "answers_text",
        "report_reasons",
    ]


question_viewset = QuestionViewSet("learner_questions")
