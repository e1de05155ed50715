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
