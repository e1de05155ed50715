"""Admin: the provider-profile moderation queue, enquiries and partnership needs (read-only
listings for staff), the enquiries report; My academy: the business-expansion section."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from academy.admin_ui import PermissionMenuItem
from academy.sections import MY_ACADEMY_SECTIONS, Section

from . import admin_views
from .models import Enquiry, PartnerNeed, ShowcaseProfile


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Merchants' enquiries and providers' needs are theirs: staff read, never edit."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Enquiry, ReadOnlyPolicy(Enquiry))
register_permission_policy(PartnerNeed, ReadOnlyPolicy(PartnerNeed))


class PartnerNeedViewSet(ModelViewSet):
    model = PartnerNeed
    icon = "group"
    menu_label = _("Partnership needs")
    add_to_admin_menu = False
    list_display = ["title", "provider", "city", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "provider__name"]
    inspect_view_enabled = True
    form_fields = ["status"]


need_viewset = PartnerNeedViewSet("partner_needs")


@hooks.register("register_admin_viewset")
def register_showcase_viewsets():
    return [need_viewset]


@hooks.register("register_admin_urls")
def register_showcase_admin_urls():
    from . import reports

    return [
        path("provider-profiles/", include((admin_views.urlpatterns, "showcase_admin"))),
        path("showcase-reports/", include((reports.urlpatterns(), "showcase_reports"))),
    ]


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    pending = ShowcaseProfile.Status.PENDING
    return PermissionMenuItem(
        _("Provider profiles"),
        reverse("showcase_admin:queue") + f"?status={pending}",
        name="provider-profiles",
        icon_name="doc-full-inverse",
        order=270,
        permission=admin_views.PERMISSION,
    )


@hooks.register("register_admin_menu_item")
def needs_menu_item():
    return need_viewset.get_menu_item(order=271)


@hooks.register("register_reports_menu_item")
def enquiries_report_menu_item():
    from . import reports

    return reports.menu_item()


@hooks.register(MY_ACADEMY_SECTIONS)
def showcase_section(request):
    from .services import admin_membership

    admin = admin_membership(request.user)
    if admin is None:
        return None
    profile = ShowcaseProfile.objects.filter(provider_id=admin.provider_id).first()
    return Section(
        key="showcase",
        order=6,
        template="showcase/includes/my_showcase.html",
        context={
            "profile": profile,
            "new_enquiries": Enquiry.objects.filter(
                provider_id=admin.provider_id, status=Enquiry.Status.NEW
            ).count(),
        },
    )
