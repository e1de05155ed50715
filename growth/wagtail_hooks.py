"""Admin: the diagnosis questionnaire (versioned), diagnoses, stage overrides with their reason,
and the staff reports (reports/) under Wagtail's Reports menu; My academy: the growth section."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from academy.sections import MY_ACADEMY_SECTIONS, Section
from courses.recommending import RECOMMENDER

from .models import Assignment, Diagnosis, Questionnaire, StageOverride


class QuestionnaireViewSet(SnippetViewSet):
    model = Questionnaire
    icon = "help"
    menu_label = _("Diagnosis questionnaire")
    menu_name = "diagnosis-questionnaire"
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["title", "version", "active", "updated_at"]
    list_filter = ["active"]


register_snippet(QuestionnaireViewSet)


class RecordPermissionPolicy(ModelPermissionPolicy):
    """Diagnoses and overrides are records: nobody edits or deletes them in the admin."""

    closed = ("change", "delete")

    def user_has_permission(self, user, action):
        if action in self.closed:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class DiagnosisPermissionPolicy(RecordPermissionPolicy):
    closed = ("add", "change", "delete")


register_permission_policy(StageOverride, RecordPermissionPolicy(StageOverride))
register_permission_policy(Diagnosis, DiagnosisPermissionPolicy(Diagnosis))


class DiagnosisViewSet(ModelViewSet):
    model = Diagnosis
    icon = "clipboard-list"
    menu_label = _("Diagnoses")
    add_to_admin_menu = False
    list_display = [
        "provider",
        "state",
        "stage",
        "total_percent",
        "questionnaire_version",
        "completed_at",
    ]
    list_filter = ["state", "stage"]
    search_fields = ["provider__name"]
    list_export = [
        "provider",
        "state",
        "stage",
        "total_percent",
        "questionnaire_version",
        "completed_at",
    ]
    inspect_view_enabled = True
    form_fields = ["stage"]  # required by ModelViewSet; add and edit are closed by the policy


class StageOverrideCreateView(CreateView):
    def save_instance(self):
        from .services.diagnosis import override_stage

        data = self.form.cleaned_data
        return override_stage(data["provider"], data["stage"], data["reason"], self.request.user)


class StageOverrideViewSet(ModelViewSet):
    """Adding an override is how staff set a provider's stage by hand: the service records the
    previous stage, the reason and who did it, and moves the provider."""

    model = StageOverride
    icon = "pick"
    menu_label = _("Stage overrides")
    add_view_class = StageOverrideCreateView
    form_fields = ["provider", "stage", "reason"]
    list_display = ["provider", "previous_stage", "stage", "reason", "created_by", "created_at"]
    list_filter = ["stage"]
    search_fields = ["provider__name", "reason"]


class AssignmentViewSet(ModelViewSet):
    """Learning that providers' admins assigned, for staff to look into (who, what, by when,
    cancelled or not). Providers manage their own on the team page."""

    model = Assignment
    icon = "calendar-check"
    menu_label = _("Learning assignments")
    add_to_admin_menu = False
    list_display = ["provider", "course", "path", "user", "due_on", "created_at", "cancelled_at"]
    list_filter = {
        "due_on": ["gte", "lte"],
        "cancelled_at": ["isnull"],
        "user": ["isnull"],
        "provider": ["exact"],
    }
    search_fields = ["provider__name", "user__email", "user__display_name"]
    list_export = ["provider", "course", "path", "user", "due_on", "created_at", "cancelled_at"]
    form_fields = ["due_on", "cancelled_at"]
    inspect_view_enabled = True


diagnosis_viewset = DiagnosisViewSet("diagnoses")
override_viewset = StageOverrideViewSet("stage_overrides")
assignment_viewset = AssignmentViewSet("learning_assignments")


@hooks.register("register_admin_viewset")
def register_growth_viewsets():
    return [diagnosis_viewset, override_viewset, assignment_viewset]


@hooks.register("register_admin_menu_item")
def assignments_menu_item():
    return assignment_viewset.get_menu_item(order=263)


@hooks.register("register_admin_menu_item")
def diagnoses_menu_item():
    return diagnosis_viewset.get_menu_item(order=261)


@hooks.register("register_admin_menu_item")
def overrides_menu_item():
    return override_viewset.get_menu_item(order=262)


@hooks.register(RECOMMENDER)
def learning_recommendation(user):
    from .recommendations import learning_for

    return learning_for(user)


@hooks.register(MY_ACADEMY_SECTIONS)
def growth_section(request):
    from courses.recommending import recommend_learning

    from .services.diagnosis import current_draft, membership_of

    membership = membership_of(request.user)
    if membership is None:
        return None
    provider = membership.provider
    latest = (
        Diagnosis.objects.filter(provider=provider, state=Diagnosis.State.COMPLETED)
        .order_by("-completed_at")
        .first()
    )
    # The same engine as the result page and the catalogue (growth/recommendations.py).
    learning = recommend_learning(request.user) if latest else None
    return Section(
        key="growth",
        order=5,
        template="growth/includes/my_growth.html",
        context={
            "latest": latest,
            "provider": provider,
            "draft": None if latest else current_draft(provider),
            "next_path": learning.path if learning else None,
            "learning": learning,
            "is_admin": membership.role == membership.Role.ADMIN,
        },
    )


@hooks.register(MY_ACADEMY_SECTIONS)
def assignments_section(request):
    """Learning the member's company assigned to them, at the top of My academy."""
    from .selectors import my_assignments

    if not request.user.is_authenticated:
        return None
    assignments = my_assignments(request.user)
    if not assignments:
        return None
    return Section(
        key="assignments",
        order=1,
        template="growth/includes/my_assignments.html",
        context={
            "assignments": assignments,
            "provider": assignments[0].membership.provider,
            "overdue_count": sum(s.is_overdue for s in assignments),
        },
    )


@hooks.register("register_admin_urls")
def register_report_urls():
    from . import reports

    return [path("academy-reports/", include((reports.urlpatterns(), "growth_reports")))]


def _report_menu_item(index: int):
    def item():
        from . import reports

        return reports.menu_items()[index]

    return item


# Wagtail's Reports menu takes one item per hook call: one hook per report.
for _index in range(5):
    hooks.register("register_reports_menu_item", _report_menu_item(_index))
