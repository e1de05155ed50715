"""Admin: registrations (filters, CSV export), per-event staff actions, the check-in menu item;
My academy: the events section."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy

from academy.admin_ui import PermissionMenuItem, ServiceOnlyPolicy, local_minutes
from academy.sections import MY_ACADEMY_SECTIONS, Section

from . import admin_views
from .models import EventPage, Registration

register_permission_policy(Registration, ServiceOnlyPolicy(Registration))


class RegistrationIndexView(IndexView):
    # Times in the CSV are local (the site's time zone), as people at the door read them.
    custom_field_preprocess = {
        name: {"csv": local_minutes, "xlsx": local_minutes}
        for name in ("created_at", "confirmed_at", "cancelled_at", "checked_in_at", "event.start")
    }

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("user", "event", "checked_in_by")
            .order_by("-event__start", "event_id", "created_at", "pk")
        )


class RegistrationViewSet(ModelViewSet):
    model = Registration
    index_view_class = RegistrationIndexView
    icon = "group"
    menu_label = _("Event registrations")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    # The generic add/edit views exist but the permission policy keeps them closed.
    form_fields = ["attendance"]
    inspect_view_enabled = True
    list_per_page = 50
    list_display = [
        TitleColumn("user", label=_("Person"), url_name="event_registrations:inspect"),
        Column("event", label=_("Event")),
        StatusTagColumn(
            "get_status_display", label=_("Status"), primary=lambda r: r.status == "confirmed"
        ),
        Column("get_attendance_display", label=_("Attendance")),
        Column("display_code", label=pgettext_lazy("check-in code", "Code")),
        DateColumn("created_at", label=_("Signed up")),
        DateColumn("checked_in_at", label=_("Checked in")),
    ]
    list_filter = ["status", "attendance", "event__city", "event__kind", "event"]
    search_fields = ["user__display_name", "user__email", "code", "event__title", "company"]
    export_filename = "event-registrations"
    list_export = [
        "event.title",
        "event.city",
        "event.start",
        "user.display_name",
        "user.email",
        "company",
        "job_role",
        "note",
        "get_status_display",
        "display_code",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "get_attendance_display",
        "checked_in_at",
        "checked_in_by",
    ]
    export_headings = {
        "event.title": _("Event"),
        "event.city": _("City"),
        "event.start": _("Starts"),
        "user.display_name": pgettext_lazy("person", "Name"),
        "user.email": _("E-mail"),
        "company": _("Company"),
        "job_role": _("Role"),
        "note": pgettext_lazy("registration note", "Note"),
        "get_status_display": _("Status"),
        "display_code": _("Check-in code"),
        "created_at": _("Signed up"),
        "confirmed_at": _("Confirmed"),
        "cancelled_at": _("Cancelled"),
        "get_attendance_display": _("Attendance"),
        "checked_in_at": _("Checked in"),
        "checked_in_by": _("Checked in by"),
    }
    inspect_view_fields = [
        "event",
        "user",
        "status",
        "code",
        "company",
        "job_role",
        "note",
        "created_at",
        "confirmed_at",
        "offered_at",
        "offer_expires_at",
        "cancelled_at",
        "cancelled_by",
        "attendance",
        "checked_in_at",
        "checked_in_by",
        "attendance_recorded_at",
        "attendance_recorded_by",
    ]


registration_viewset = RegistrationViewSet("event_registrations")


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return registration_viewset


@hooks.register("register_admin_urls")
def register_event_admin_urls():
    return [path("events/", include((admin_views.urlpatterns, "events_admin")))]


@hooks.register("register_admin_menu_item")
def register_check_in_menu_item():
    return PermissionMenuItem(
        _("Event check-in"),
        reverse("events_admin:check_in"),
        name="event-check-in",
        icon_name="calendar-check",
        order=265,
        permission="events.check_in",
    )


def _event_buttons(page, user, priority: int):
    if page.specific_class is not EventPage or not user.has_perm("events.check_in"):
        return
    registrations = reverse("event_registrations:index") + f"?event={page.pk}"
    yield Button(_("Registrations"), registrations, icon_name="group", priority=priority)
    yield Button(
        _("Attendance"),
        reverse("events_admin:attendance", args=[page.pk]),
        icon_name="circle-check",
        priority=priority + 1,
    )
    yield Button(
        _("Check-in at the door"),
        reverse("events_admin:event_check_in", args=[page.pk]),
        icon_name="view",
        priority=priority + 2,
    )
    if page.permissions_for_user(user).can_copy():
        yield Button(
            _("Duplicate to other cities or dates"),
            reverse("events_admin:duplicate", args=[page.pk]),
            icon_name="copy",
            priority=priority + 3,
        )
    if page.permissions_for_user(user).can_publish():
        yield Button(
            _("Cancel event"),
            reverse("events_admin:cancel", args=[page.pk]),
            icon_name="warning",
            priority=priority + 4,
        )


@hooks.register("register_page_listing_more_buttons")
def event_listing_buttons(page, user, next_url=None):
    yield from _event_buttons(page, user, priority=70)


@hooks.register("register_page_header_buttons")
def event_header_buttons(page, user, view_name, next_url=None):
    yield from _event_buttons(page, user, priority=80)


@hooks.register(MY_ACADEMY_SECTIONS)
def events_section(request):
    from .selectors import my_events_context

    return Section(
        key="events",
        order=30,
        template="events/includes/my_events.html",
        context=my_events_context(request.user),
    )


@hooks.register(MY_ACADEMY_SECTIONS)
def teaching_section(request):
    """The teaching desk, for a user with a lecturer profile."""
    from academy.selectors import lecturer_of

    from .selectors import teaching_context

    lecturer = lecturer_of(request.user) if request.user.is_authenticated else None
    if lecturer is None:
        return None
    return Section(
        key="teaching",
        order=15,
        template="events/includes/my_teaching.html",
        context=teaching_context(lecturer),
    )
