"""events' kinds of personal data (academy/personal_data.py): registrations, attendance, ratings.

At an account's closure every registration that can still be cancelled is cancelled through the
events services, so the freed seat goes to the waitlist (and its e-mails) as for any
cancellation; attendance stays as anonymous statistics; what the person typed (company, role,
notes, rating comments) goes."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy import personal_data

from . import services
from .models import Registration, SessionRating


@personal_data.register
class Registrations(personal_data.Section):
    key = "event_registrations"
    title = _("Event registrations and attendance")
    order = 60
    erase_order = 200

    def collect(self, user):
        ratings = {
            r.registration_id: r for r in SessionRating.objects.filter(registration__user=user)
        }
        rows = []
        for r in Registration.objects.filter(user=user).select_related("event").order_by("pk"):
            rating = ratings.get(r.pk)
            rows.append(
                {
                    "event": r.event.title,
                    "starts": r.event.start,
                    "city": r.event.city,
                    "status": r.get_status_display(),
                    "check-in code": r.code,
                    "signed up": r.created_at,
                    "company": r.company,
                    "job role": r.job_role,
                    "note": r.note,
                    "attendance": r.get_attendance_display(),
                    "checked in": r.checked_in_at,
                    "rating": rating.score if rating else None,
                    "rating comment": rating.comment if rating else "",
                }
            )
        return rows

    def erase(self, user, *, log):
        cancelled = kept = 0
        active = Registration.objects.filter(user=user, status__in=Registration.ACTIVE)
        for registration in active.select_related("event"):
            if registration.event.has_started(timezone.now()):
                kept += 1  # the event is on: its record of who held a seat stays
                continue
            try:
                services.cancel(registration)
            except services.NotCancellable:
                kept += 1
            else:
                cancelled += 1
        log("registrations cancelled, seats passed to the waitlist", cancelled)
        log("registrations at events already under way kept", kept)
        log(
            "registration details erased",
            Registration.objects.filter(user=user).update(
                company="", job_role="", note="", language=""
            ),
        )
        log(
            "rating comments erased",
            SessionRating.objects.filter(registration__user=user)
            .exclude(comment="")
            .update(comment=""),
        )
