"""Account closures in the Wagtail admin (issue 20): the requests and their step logs, read-only,
and staff acting on a person's behalf (a person who wrote or called; staff checked who they are).

Acting needs the "process_closure" permission; every action goes through academy/closure.py,
which writes it to Wagtail's log with the acting staff user.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from . import closure
from .admin_ui import ServiceOnlyPolicy
from .errors import ActionRefused
from .models import ClosureRequest, User

PERMISSION = "academy.process_closure"
register_permission_policy(ClosureRequest, ServiceOnlyPolicy(ClosureRequest))


class ClosureRequestViewSet(ModelViewSet):
    model = ClosureRequest
    icon = "warning"
    menu_label = gettext_lazy("Account closures")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["language"]  # the permission policy keeps add/edit closed
    list_per_page = 50
    ordering = ["-requested_at", "-pk"]
    list_display = [
        TitleColumn("__str__", label=gettext_lazy("Request"), url_name="closures:inspect"),
        StatusTagColumn(
            "get_status_display", label=gettext_lazy("Status"), primary=lambda r: r.is_open
        ),
        DateColumn("requested_at", label=gettext_lazy("Requested")),
        DateColumn("close_after", label=gettext_lazy("Closes after")),
        DateColumn("closed_at", label=gettext_lazy("Closed")),
        Column("acting_staff", label=gettext_lazy("On behalf, by")),
    ]
    list_filter = ["status"]
    inspect_view_fields = [
        "status",
        "requested_at",
        "confirmed_at",
        "close_after",
        "cancelled_at",
        "closed_at",
        "acting_staff",
        "steps",
    ]


closure_viewset = ClosureRequestViewSet("closures")


class OnBehalfForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("The person's e-mail address"))
    now = forms.BooleanField(
        label=gettext_lazy("Close it now, without the cooling-off period"), required=False
    )

    def clean_email(self):
        person = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if person is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        self.person = person
        return self.cleaned_data["email"]


def on_behalf(request):
    if not request.user.has_perm(PERMISSION):
        return permission_denied(request)
    form = OnBehalfForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            found = closure.open_request(form.person) or closure.request_on_behalf(
                form.person, by=request.user
            )
            if form.cleaned_data["now"]:
                closure.close_now(found, by=request.user)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
            status = refusal.status
        else:
            messages.success(request, _("Done: %(request)s.") % {"request": found})
            return HttpResponseRedirect(reverse("closures:inspect", args=[found.pk]))
    elif form.errors:
        status = 400
    return TemplateResponse(
        request,
        "academy/admin/closure_on_behalf.html",
        {"form": form, "page_title": _("Close an account on a person's behalf")},
        status=status,
    )


def urls():
    return [path("closures/on-behalf/", on_behalf, name="closure_on_behalf")]
