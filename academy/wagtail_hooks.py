"""Admin hooks of the academy shell.

Every delete the Wagtail admin offers first checks that no record the academy keeps would go with
it (academy/records.py explains the rule). The outbox's rows are listed read-only for whoever may
view them (superusers, operations)."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from . import records
from .admin_ui import ServiceOnlyPolicy
from .models import OutboxTask

# Rows are written by academy.outbox and nobody else: the admin only reads them.
register_permission_policy(OutboxTask, ServiceOnlyPolicy(OutboxTask))


def _task_names():
    return [
        (name, name)
        for name in OutboxTask.objects.order_by("task").distinct().values_list("task", flat=True)
    ]


class OutboxTaskFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("unsent", _("Not sent yet")), ("sent", _("Sent"))],
        method="filter_state",
        empty_label=_("All"),
    )
    task = django_filters.ChoiceFilter(label=_("Task"), choices=_task_names, empty_label=_("All"))

    class Meta:
        model = OutboxTask
        fields = ["state", "task"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(sent_at__isnull=value == "unsent")


class OutboxTaskViewSet(ModelViewSet):
    model = OutboxTask
    icon = "resubmit"
    menu_label = _("Outbox")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    # The generic add/edit views exist but the permission policy keeps them closed.
    form_fields = ["last_error"]
    list_per_page = 50
    ordering = ["-created_at", "-pk"]
    filterset_class = OutboxTaskFilterSet
    search_fields = ["task", "last_error"]
    list_display = [
        TitleColumn("task", label=_("Task"), url_name="outbox_tasks:inspect"),
        Column("args", label=_("Arguments")),
        StatusTagColumn(
            "state_display",
            label=_("State"),
            primary=lambda row: row.sent_at is None,
        ),
        DateColumn("created_at", label=_("Created")),
        DateColumn("sent_at", label=_("Sent")),
        Column("attempts", label=_("Attempts")),
        DateColumn("available_at", label=_("Next attempt")),
        Column("last_error", label=_("Last error")),
    ]
    inspect_view_fields = [
        "task",
        "args",
        "kwargs",
        "created_at",
        "available_at",
        "claimed_until",
        "sent_at",
        "attempts",
        "last_error",
    ]


outbox_viewset = OutboxTaskViewSet("outbox_tasks")


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return outbox_viewset


@hooks.register("before_delete_page")
def keep_records_of_page(request, page):
    return records.refuse_deleting_pages(request, [page])


@hooks.register("before_bulk_action")
def keep_records_in_bulk_delete(request, action_type, objects, action_class_instance):
    if action_type != "delete" or not objects:
        return None
    back = action_class_instance.next_url
    if isinstance(objects[0], Page):
        return records.refuse_deleting_pages(request, objects, back)
    instead = _DEACTIVATE() if isinstance(objects[0], get_user_model()) else ""
    return records.refuse_deleting(request, objects, back, instead=instead)


@hooks.register("before_delete_snippet")
def keep_records_of_snippet(request, instances):
    return records.refuse_deleting(request, instances)


@hooks.register("before_delete_user")
def keep_records_of_user(request, user):
    return records.refuse_deleting(request, [user], instead=_DEACTIVATE())


def _DEACTIVATE():
    return gettext("Deactivate the account instead: the person can no longer sign in.")
