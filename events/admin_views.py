"""Staff actions on one event in the Wagtail admin: attendance, duplicate, cancel, check-in.

Each view checks the permission, parses the form and calls one service; the page buttons in
wagtail_hooks.py lead here.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail.admin.auth import permission_denied

from . import selectors, services
from .forms import AttendanceForm, CancelEventForm, DuplicateFormSet
from .models import EventIndexPage, EventPage, Registration
from .pages import as_typed_in


def _event_for_staff(request, page_id: int) -> EventPage:
    return get_object_or_404(EventPage, pk=page_id)


def _may_check_in(request) -> bool:
    return request.user.has_perm("events.check_in")


def check_in(request):
    """The admin menu's "Event check-in": the phone-friendly page on the site."""
    if not _may_check_in(request):
        return permission_denied(request)
    index = EventIndexPage.objects.live().first()
    if index is None:
        raise Http404
    return HttpResponseRedirect(index.url + index.reverse_subpage("check_in_events"))


def event_check_in(request, page_id: int):
    if not _may_check_in(request):
        return permission_denied(request)
    event = _event_for_staff(request, page_id)
    if not event.live:
        messages.error(request, _("Publish the event before checking people in."))
        return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[event.pk]))
    return HttpResponseRedirect(event.url + event.reverse_subpage("check_in"))


def attendance(request, page_id: int):
    if not _may_check_in(request):
        return permission_denied(request)
    event = _event_for_staff(request, page_id)
    registrations = list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("user", "checked_in_by")
        .order_by("user__display_name", "pk")
    )
    form = AttendanceForm(request.POST or None, registrations=registrations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            close = "close" in request.POST
            try:
                changed = services.record_attendance(
                    event, form.statuses(), by=request.user, close=close
                )
            except services.EventError as error:
                messages.error(request, error.message)
                status = error.status
            else:
                if close:
                    messages.success(
                        request,
                        _("Attendance saved and closed; %(count)d changed.") % {"count": changed},
                    )
                else:
                    messages.success(
                        request, _("Attendance saved; %(count)d changed.") % {"count": changed}
                    )
                return HttpResponseRedirect(request.path)
        else:
            status = 400
    counts = {
        value: sum(1 for r in registrations if r.attendance == value)
        for value in Registration.Attendance.values
    }
    context = {
        "event": event,
        "form": form,
        "counts": counts,
        "confirmed": len(registrations),
        "export_url": reverse("event_registrations:index") + f"?event={event.pk}&export=csv",
        "page_title": _("Attendance"),
        "page_subtitle": event.title,
        "header_icon": "circle-check",
        "can_close": event.has_ended() and not event.is_cancelled,
        "changes": selectors.attendance_changes(event),
    }
    return TemplateResponse(request, "events/admin/attendance.html", context, status=status)


def cancel_event(request, page_id: int):
    event = _event_for_staff(request, page_id)
    if not (_may_check_in(request) and event.permissions_for_user(request.user).can_publish()):
        return permission_denied(request)
    form = CancelEventForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.cancel_event(
                    event, by=request.user, reason=form.cleaned_data["reason"]
                )
            except services.EventError as error:
                messages.error(request, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("“%(event)s” is cancelled; %(count)d people registered are being told.")
                    % {"event": event.title, "count": count},
                )
                return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[event.pk]))
        else:
            status = 400
    context = {
        "event": event,
        "form": form,
        "active_count": Registration.objects.filter(
            event=event, status__in=Registration.ACTIVE
        ).count(),
        "page_title": _("Cancel event"),
        "page_subtitle": event.title,
        "header_icon": "warning",
    }
    return TemplateResponse(request, "events/admin/cancel_event.html", context, status=status)


def duplicate(request, page_id: int):
    event = _event_for_staff(request, page_id)
    if not (_may_check_in(request) and event.permissions_for_user(request.user).can_copy()):
        return permission_denied(request)
    formset = DuplicateFormSet(request.POST or None, prefix="runs")
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            runs = [
                services.Run(
                    city=row["city"],
                    venue=row["venue"],
                    address=row.get("address", ""),
                    start=as_typed_in(row["start"], event.tzinfo),
                    end=as_typed_in(row["end"], event.tzinfo),
                )
                for row in formset.cleaned_data
                if row
            ]
            copies = services.duplicate_event(
                event, runs, by=request.user, publish="publish" in request.POST
            )
            messages.success(
                request,
                _("Created %(count)d copies of “%(event)s”: %(titles)s.")
                % {
                    "count": len(copies),
                    "event": event.title,
                    "titles": "、".join(copy.title for copy in copies),
                },
            )
            return HttpResponseRedirect(
                reverse("wagtailadmin_explore", args=[event.get_parent().pk])
            )
        status = 400
    context = {
        "event": event,
        "formset": formset,
        "page_title": _("Duplicate event"),
        "page_subtitle": event.title,
        "header_icon": "copy",
        "time_zone": event.get_time_zone_display(),
    }
    return TemplateResponse(request, "events/admin/duplicate.html", context, status=status)


urlpatterns = [
    path("check-in/", check_in, name="check_in"),
    path("<int:page_id>/check-in/", event_check_in, name="event_check_in"),
    path("<int:page_id>/attendance/", attendance, name="attendance"),
    path("<int:page_id>/cancel/", cancel_event, name="cancel"),
    path("<int:page_id>/duplicate/", duplicate, name="duplicate"),
]
