"""Input of the growth pages, validated with messages people understand."""

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.models import Membership

from .models import Diagnosis


class DirectionStepForm(forms.Form):
    """One direction's questions as radio groups; every field optional so partial answers save."""

    def __init__(self, *args, diagnosis: Diagnosis, direction: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = diagnosis.questions_for(direction)
        for number, question in enumerate(self.questions, start=1):
            self.fields[question["id"]] = forms.TypedChoiceField(
                label=f"{number}. {question['text']}",
                help_text=question.get("help_text", ""),
                choices=[(str(i), a["label"]) for i, a in enumerate(question["answers"])],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                initial=diagnosis.answers.get(question["id"]),
            )

    def answers(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None and v != ""}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class DeclineJoinRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        help_text=_("The person asking reads it in the e-mail telling them."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class PlanEditForm(forms.Form):
    """Target dates and removals for the plan's items, and one item to add."""

    def __init__(self, *args, items, addable: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            title = str(item.target)
            self.fields[f"date_{item.pk}"] = forms.DateField(
                label=_("Target date for %(title)s") % {"title": title},
                required=False,
                initial=item.target_date,
                widget=DateInput(format="%Y-%m-%d"),
            )
            self.fields[f"remove_{item.pk}"] = forms.BooleanField(
                label=_("Remove %(title)s") % {"title": title}, required=False
            )
        self.fields["add"] = forms.ChoiceField(
            label=_("Add to the plan"),
            required=False,
            choices=[("", _("Nothing to add"))] + addable,
        )
        self.fields["add_date"] = forms.DateField(
            label=_("Its target date"), required=False, widget=DateInput(format="%Y-%m-%d")
        )

    def rows(self) -> list:
        """(item, its date field, its remove field) for the template."""
        return [(i, self[f"date_{i.pk}"], self[f"remove_{i.pk}"]) for i in self.items]

    def dates(self) -> dict:
        return {i.pk: self.cleaned_data.get(f"date_{i.pk}") for i in self.items}

    def removed(self) -> set[int]:
        return {i.pk for i in self.items if self.cleaned_data.get(f"remove_{i.pk}")}

    def addition(self):
        """(kind, pk, date) from "course:12", or None."""
        value = self.cleaned_data.get("add") or ""
        if ":" not in value:
            return None
        kind, pk = value.split(":", 1)
        return kind, int(pk), self.cleaned_data.get("add_date")


class AssignmentForm(forms.Form):
    """What to learn, who, by when. The choices are the live courses and the learning paths
    (grouped), and the team's members with "the whole team" first."""

    subject = forms.ChoiceField(label=_("Course or learning path"))
    member = forms.ChoiceField(label=_("Assign to"), required=False)
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, courses=(), paths=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [
            ("", "—"),
            (_("Learning paths"), [(f"path:{p.pk}", p.title) for p in paths]),
            (_("Courses"), [(f"course:{c.pk}", c.title) for c in courses]),
        ]
        self.fields["member"].choices = [("", _("The whole team (also people who join later)"))] + [
            (str(m.pk), str(m.user)) for m in members
        ]

    def member_id(self) -> int | None:
        value = self.cleaned_data.get("member")
        return int(value) if value else None
