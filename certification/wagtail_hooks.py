"""Admin and My-academy registration of the certification app."""

from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from academy.sections import MY_ACADEMY_SECTIONS, Section

# --- Certificates ------------------------------------------------------------------------------
from . import admin_certificates  # noqa: E402
from .models import (  # noqa: E402
    ApprovalApplication,
    AuditEntry,
    Certificate,
    Programme,
)


class ServiceOnlyPolicy(ModelPermissionPolicy):
    """Certificates, the audit log and applications change only through the services (issue,
    revoke, reissue, review): the generic add/edit/delete views are closed to everyone."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


for _model in (Certificate, AuditEntry, ApprovalApplication):
    register_permission_policy(_model, ServiceOnlyPolicy(_model))


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    icon = "doc-full-inverse"
    menu_label = _("Programmes")
    copy_view_enabled = False
    list_display = ["title", "level", "validity_months", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["title", "slug"]


class CertificateIndexView(IndexView):
    custom_field_preprocess = {
        name: {"csv": _local, "xlsx": _local} for name in ("issued_at", "expires_at", "revoked_at")
    }

    def get_base_queryset(self):
        return (
            super().get_base_queryset().select_related("holder", "programme").order_by("-issued_at")
        )

    def get_list_more_buttons(self, instance):
        return super().get_list_more_buttons(instance) + _certificate_buttons(
            instance, self.request.user
        )


def _certificate_buttons(certificate, user):
    buttons = []
    if certificate.status == Certificate.Status.VALID:
        if user.has_perm("certification.revoke_certificate"):
            buttons.append(
                ListingButton(
                    _("Revoke"),
                    reverse("certification_admin:revoke", args=[certificate.pk]),
                    icon_name="warning",
                    priority=10,
                )
            )
        if user.has_perm("certification.award_certificate"):
            buttons.append(
                ListingButton(
                    _("Reissue"),
                    reverse("certification_admin:reissue", args=[certificate.pk]),
                    icon_name="repeat",
                    priority=20,
                )
            )
    return buttons


class CertificateViewSet(ModelViewSet):
    model = Certificate
    index_view_class = CertificateIndexView
    icon = "doc-full"
    menu_label = _("Certificates")
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["holder_name"]
    list_per_page = 50
    list_display = [
        TitleColumn("serial", label=_("Serial"), url_name="certificates:inspect"),
        Column("holder_name", label=_("Holder")),
        Column("programme", label=_("Programme")),
        StatusTagColumn(
            "get_status_display", label=_("Status"), primary=lambda c: c.status == "valid"
        ),
        Column("version", label=_("Version")),
        DateColumn("issued_at", label=_("Issued")),
        DateColumn("expires_at", label=_("Expires")),
    ]
    list_filter = ["status", "programme", "origin", "cycle"]
    search_fields = ["serial", "holder_name", "holder__email"]
    export_filename = "certificates"
    list_export = [
        "serial",
        "holder_name",
        "holder.email",
        "programme.title",
        "get_status_display",
        "cycle",
        "version",
        "get_origin_display",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
    ]
    export_headings = {
        "serial": _("Serial"),
        "holder_name": _("Holder"),
        "holder.email": _("E-mail"),
        "programme.title": _("Programme"),
        "get_status_display": _("Status"),
        "cycle": _("Cycle"),
        "version": _("Version"),
        "get_origin_display": _("Origin"),
        "issued_at": _("Issued"),
        "expires_at": _("Expires"),
        "revoked_at": _("Revoked"),
        "revoked_reason": _("Reason"),
    }
    inspect_view_fields = [
        "serial",
        "holder",
        "holder_name",
        "programme",
        "status",
        "cycle",
        "version",
        "origin",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
        "superseded_by",
        "pdf_sha256",
        "emailed_at",
    ]


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("Audit log")
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["reason"]
    list_display = [
        DateColumn("created_at", label=_("When")),
        Column("get_action_display", label=_("Action")),
        Column("actor", label=_("By")),
        Column("subject", label=_("Person")),
        Column("certificate", label=_("Certificate")),
        Column("reason", label=_("Reason")),
    ]
    list_filter = ["action", "programme"]
    search_fields = ["reason", "subject__email", "certificate__serial"]
    list_export = ["created_at", "get_action_display", "actor", "subject", "certificate", "reason"]
    export_filename = "certification-audit-log"


class ApplicationViewSet(ModelViewSet):
    model = ApprovalApplication
    icon = "tasks"
    menu_label = _("Approval applications")
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["notes"]
    list_display = [
        TitleColumn(
            "applicant",
            label=_("Applicant"),
            get_url=lambda a: reverse("certification_admin:review", args=[a.pk]),
        ),
        Column("programme", label=_("Programme")),
        StatusTagColumn(
            "get_status_display", label=_("Status"), primary=lambda a: a.status == "approved"
        ),
        DateColumn("created_at", label=_("Applied")),
    ]
    list_filter = ["status", "programme"]


class CertificationGroup(ViewSetGroup):
    menu_label = _("Certification")
    menu_icon = "doc-full"
    menu_order = 270
    items = (
        ProgrammeViewSet("programmes"),
        CertificateViewSet("certificates"),
        ApplicationViewSet("approval_applications"),
        AuditEntryViewSet("certification_audit"),
    )


@hooks.register("register_admin_viewset")
def register_certification_viewsets():
    return CertificationGroup()


@hooks.register("register_admin_urls")
def register_certification_admin_urls():
    return [
        path(
            "certification/",
            include((admin_certificates.urlpatterns, "certification_admin")),
        )
    ]


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("certification.award_certificate")


@hooks.register("register_admin_menu_item")
def register_award_menu_item():
    return OfficerMenuItem(
        _("Award a certificate"),
        reverse("certification_admin:award"),
        name="certificate-award",
        icon_name="plus",
        order=271,
    )


@hooks.register("register_admin_menu_item")
def register_bulk_issue_menu_item():
    return OfficerMenuItem(
        _("Issue certificates in bulk"),
        reverse("certification_admin:bulk_issue"),
        name="certificate-bulk-issue",
        icon_name="list-ul",
        order=272,
    )


@hooks.register(MY_ACADEMY_SECTIONS)
def certificates_section(request):
    if not request.user.is_authenticated:
        return None
    from .services.programmes import programme_progress

    certificates = list(
        Certificate.objects.filter(holder=request.user)
        .exclude(status=Certificate.Status.SUPERSEDED)
        .select_related("programme")
        .order_by("-issued_at")
    )
    held = {c.programme_id for c in certificates if c.status == Certificate.Status.VALID}
    in_progress = []
    for programme in (
        Programme.objects.filter(is_active=True)
        .exclude(pk__in=held)
        .prefetch_related("requirements")
    ):
        progress = programme_progress(request.user, programme)
        if progress.percent > 0:
            in_progress.append({"programme": programme, "progress": progress})
    return Section(
        key="certificates",
        order=20,
        template="certification/certificates/my_certificates.html",
        context={"certificates": certificates, "in_progress": in_progress},
    )
