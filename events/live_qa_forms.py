"""The live Q&A board's forms: an attendee's question, the staff's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .live_qa_models import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH

QUESTION_MIN_LENGTH = 5


class LiveQuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        min_length=QUESTION_MIN_LENGTH,
        max_length=QUESTION_MAX_LENGTH,
        help_text=_("Up to 300 characters. Others at the event can vote for it."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX_LENGTH}),
        error_messages={
            "required": _("Write your question first."),
            "min_length": _("Write at least 5 characters."),
            "max_length": _("Keep your question under 300 characters (it has %(show_value)d)."),
        },
    )
    anonymous = forms.BooleanField(
        label=_("Ask anonymously: don't show my name"),
        required=False,
    )

    def clean_text(self):
        return " ".join(self.cleaned_data["text"].split())


class LiveAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Short answer"),
        max_length=ANSWER_MAX_LENGTH,
        help_text=_(
            "What the speaker said, in a sentence or two. It is published on the event page "
            "after the event."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_MAX_LENGTH}),
        error_messages={
            "required": _("Write the answer in a sentence or two."),
            "max_length": _("Keep the answer under 1000 characters (it has %(show_value)d)."),
        },
    )
