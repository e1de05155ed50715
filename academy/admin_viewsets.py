"""Admin viewsets of the academy shell, read-only: join requests (who asked to join which company,
who decided, why), the outbox's rows and the e-mails sent (or being sent) once.

All change only through their services (academy.services, academy.outbox, academy.mail), so the
generic add/edit/delete views are closed by admin_ui.ServiceOnlyPolicy.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from .admin_ui import ServiceOnlyPolicy, local_minutes
from .models import JoinRequest, OutboxTask, OutgoingMail

register_permission_policy(JoinRequest, ServiceOnlyPolicy(JoinRequest))


class JoinRequestIndexView(IndexView):
    custom_field_preprocess = {
        name: {"csv": local_minutes, "xlsx": local_minutes} for name in ("created_at", "decided_at")
    }

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("user", "provider", "decided_by")
            .order_by("-created_at", "-pk")
        )


class JoinRequestInspectView(InspectView):
    def get(self, request, *args, **kwargs):
        from . import audit

        response = super().get(request, *args, **kwargs)
        # The request shows the person's name and e-mail: reading it is access to their data.
        audit.log_personal_data_viewed(request, self.object.user, where="join request")
        return response


class JoinRequestViewSet(ModelViewSet):
    model = JoinRequest
    index_view_class = JoinRequestIndexView
    inspect_view_class = JoinRequestInspectView
    icon = "user"
    menu_label = _("Join requests")
    menu_order = 255
    add_to_admin_menu = True
    copy_view_enabled = False
    # The generic add/edit views exist but the permission policy keeps them closed.
    form_fields = ["decline_reason"]
    inspect_view_enabled = True
    list_per_page = 50
    list_display = [
        TitleColumn(
            "user", label=pgettext_lazy("join request", "Person"), url_name="join_requests:inspect"
        ),
        Column("provider", label=_("Company")),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            primary=lambda r: r.status == JoinRequest.Status.PENDING,
        ),
        DateColumn("created_at", label=_("Asked")),
        Column("decided_by", label=_("Decided by")),
        DateColumn("decided_at", label=_("Decided")),
    ]
    list_filter = ["status", "provider"]
    search_fields = ["user__display_name", "user__email", "provider__name"]
    export_filename = "join-requests"
    list_export = [
        "provider",
        "user.display_name",
        "user.email",
        "get_status_display",
        "created_at",
        "decided_by",
        "decided_at",
        "decline_reason",
    ]
    export_headings = {
        "provider": _("Company"),
        "user.display_name": pgettext_lazy("person", "Name"),
        "user.email": _("E-mail"),
        "get_status_display": _("Status"),
        "created_at": _("Asked"),
        "decided_by": _("Decided by"),
        "decided_at": _("Decided"),
        "decline_reason": _("Reason for declining"),
    }
    inspect_view_fields = [
        "user",
        "provider",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "decline_reason",
        "admins_notified_at",
        "requester_notified_at",
    ]


join_request_viewset = JoinRequestViewSet("join_requests")


def _values_of(model, field: str):
    """Filter choices: the values a column holds now (task names, kinds of mail)."""

    def choices():
        values = model.objects.order_by(field).distinct().values_list(field, flat=True)
        return [(value, value) for value in values]

    return choices


class ServiceRecordViewSet(ModelViewSet):
    """A read-only listing under Settings of rows a service writes (outbox, e-mails)."""

    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    # The generic add/edit views exist but the permission policy keeps them closed.
    form_fields = ["last_error"]
    list_per_page = 50
    ordering = ["-created_at", "-pk"]


# Rows are written by academy.outbox and nobody else: the admin only reads them.
register_permission_policy(OutboxTask, ServiceOnlyPolicy(OutboxTask))


class OutboxTaskFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("unsent", _("Not sent yet")), ("sent", _("Sent"))],
        method="filter_state",
        empty_label=_("All"),
    )
    task = django_filters.ChoiceFilter(
        label=pgettext_lazy("background job", "Task"),
        choices=_values_of(OutboxTask, "task"),
        empty_label=_("All"),
    )

    class Meta:
        model = OutboxTask
        fields = ["state", "task"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(sent_at__isnull=value == "unsent")


class OutboxTaskViewSet(ServiceRecordViewSet):
    model = OutboxTask
    icon = "resubmit"
    menu_label = _("Outbox")
    filterset_class = OutboxTaskFilterSet
    search_fields = ["task", "last_error"]
    list_display = [
        TitleColumn(
            "task", label=pgettext_lazy("background job", "Task"), url_name="outbox_tasks:inspect"
        ),
        Column("args", label=_("Arguments")),
        StatusTagColumn(
            "state_display",
            label=_("State"),
            primary=lambda row: row.sent_at is None,
        ),
        DateColumn("created_at", label=pgettext_lazy("timestamp", "Created")),
        DateColumn("sent_at", label=_("Sent")),
        Column("attempts", label=pgettext_lazy("delivery attempts", "Attempts")),
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


# Rows are written by academy.mail.send_once and nobody else.
register_permission_policy(OutgoingMail, ServiceOnlyPolicy(OutgoingMail))


class OutgoingMailFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=_values_of(OutgoingMail, "kind"), empty_label=_("All")
    )

    class Meta:
        model = OutgoingMail
        fields = ["kind", "status"]


class OutgoingMailViewSet(ServiceRecordViewSet):
    model = OutgoingMail
    icon = "mail"
    menu_label = _("E-mails sent")
    filterset_class = OutgoingMailFilterSet
    search_fields = ["key", "recipients", "subject"]
    list_display = [
        TitleColumn(
            "key", label=pgettext_lazy("e-mail record", "Key"), url_name="outgoing_mail:inspect"
        ),
        Column("recipients", label=_("Recipients")),
        Column("subject", label=_("Subject")),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            primary=lambda row: row.status != OutgoingMail.Status.SENT,
        ),
        DateColumn("sent_at", label=_("Sent")),
        Column("attempts", label=pgettext_lazy("delivery attempts", "Attempts")),
        Column("last_error", label=_("Last error")),
    ]
    inspect_view_fields = [
        "key",
        "kind",
        "recipients",
        "subject",
        "status",
        "created_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "last_error",
    ]


outgoing_mail_viewset = OutgoingMailViewSet("outgoing_mail")
