"""Admin: join requests, read-only for staff (who asked to join which company, who decided, why).

Requests change only through academy.services (a company's administrators decide on the team
page), so the generic add/edit/delete views are closed (admin_ui.ServiceOnlyPolicy).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from .admin_ui import ServiceOnlyPolicy, local_minutes
from .models import JoinRequest

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


class JoinRequestViewSet(ModelViewSet):
    model = JoinRequest
    index_view_class = JoinRequestIndexView
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
        TitleColumn("user", label=_("Person"), url_name="join_requests:inspect"),
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
        "user.display_name": _("Name"),
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


@hooks.register("register_admin_viewset")
def register_join_request_viewset():
    return join_request_viewset
