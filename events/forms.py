"""Validation of what people type into the events pages, with messages they understand."""

from __future__ import annotations

import re
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.forms import OriginalWordsSelect

from .models import EventKind, EventPage, Registration

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class RegistrationForm(forms.Form):
    """The event's optional questions; an event that asks none shows only the button."""

    company = forms.CharField(label=_("Company"), max_length=120)
    job_role = forms.CharField(label=_("Your role"), max_length=80)
    note = forms.CharField(
        label=_("Anything we should know?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. For example dietary needs or what you hope to learn."),
    )

    def __init__(self, *args, event: EventPage, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        asked = {"company": event.ask_company, "job_role": event.ask_role, "note": event.ask_note}
        for name, ask in asked.items():
            if not ask:
                del self.fields[name]
        if "company" in self.fields and user is not None and user.is_authenticated:
            membership = user.membership
            if membership is not None:
                self.fields["company"].initial = membership.provider.name
        for name in ("company", "job_role"):
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = (
                    "organization" if name == "company" else "organization-title"
                )


class EventFilterForm(forms.Form):
    """The listing's filters; they live in the URL (a GET form that needs no JavaScript)."""

    city = forms.ChoiceField(label=_("City"), required=False, widget=OriginalWordsSelect)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EventKind.choices]
    )
    month = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(self, *args, cities: list[str], months: list[datetime], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("All cities"))] + [(c, c) for c in cities]
        from django.utils.formats import date_format

        self.fields["month"].choices = [("", _("Any month"))] + [
            (m.strftime("%Y-%m"), date_format(m, "YEAR_MONTH_FORMAT")) for m in months
        ]

    def month_range(self) -> tuple[datetime, datetime] | None:
        value = self.cleaned_data.get("month") if self.is_bound and self.is_valid() else None
        match = MONTH.match(value or "")
        if not match:
            return None
        year, month = int(match[1]), int(match[2])
        zone = timezone.get_default_timezone()
        start = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
        return start, end

    @property
    def active_filters(self) -> dict[str, str]:
        if not (self.is_bound and self.is_valid()):
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("QR code or check-in code"),
        max_length=80,
        help_text=_("Scan the attendee's QR code, or type the code under it, e.g. ABCD-EFGH."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class UndoCheckInForm(forms.Form):
    """Staff take back a check-in; the reason goes into the audit trail."""

    # Bounded so a forged id is a form error, not an integer the database cannot hold.
    registration = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        help_text=_("For example: scanned the wrong code."),
    )


class CheckInSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, e-mail or code"), max_length=80, required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=pgettext_lazy("event feedback", "Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. What worked, what could be better?"),
    )


# --- Staff forms (Wagtail admin) ----------------------------------------------------------------


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Message to everyone registered"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the event is cancelled and what happens next. Sent by e-mail."),
    )
    confirm = forms.BooleanField(
        label=_("Yes, cancel the event and tell everyone registered"), required=True
    )


class DuplicateRowForm(forms.Form):
    """One more run of the event: another city, venue or date."""

    city = forms.CharField(label=_("City"), max_length=40)
    venue = forms.CharField(label=_("Venue"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    start = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            raise ValidationError(_("The event must end after it starts."))
        return cleaned


DuplicateFormSet = forms.formset_factory(
    DuplicateRowForm, extra=2, max_num=12, validate_max=True, min_num=1, validate_min=True
)


class AttendanceForm(forms.Form):
    """One select per confirmed registration, named by its id."""

    def __init__(self, *args, registrations: list[Registration], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not recorded")), *Registration.Attendance.choices]
        self.registrations = registrations
        for registration in registrations:
            self.fields[f"r{registration.pk}"] = forms.ChoiceField(
                label=str(registration.user),
                choices=choices,
                required=False,
                initial=registration.attendance,
            )

    def statuses(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}

    def rows(self):
        for registration in self.registrations:
            yield registration, self[f"r{registration.pk}"]
