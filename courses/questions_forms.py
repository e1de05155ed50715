"""Forms of learners' questions: the limits are the models' (courses/questions.py), said in words."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .questions import ANSWER_MAX, BODY_MAX, BODY_MIN, TITLE_MAX


class AskForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("question form", "Your question"),
        min_length=4,
        max_length=TITLE_MAX,
        help_text=_("One sentence, at most %(count)d characters.") % {"count": TITLE_MAX},
        error_messages={
            "required": _("Write your question."),
            "min_length": _("Write your question in at least %(limit_value)d characters."),
            "max_length": _("Shorten your question to %(limit_value)d characters."),
        },
    )
    body = forms.CharField(
        label=_("Details"),
        min_length=BODY_MIN,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you tried and where you are stuck, %(min)d to %(max)d characters. Other "
            "readers see your display name and this text, nothing else about you."
        )
        % {"min": BODY_MIN, "max": BODY_MAX},
        error_messages={
            "required": _("Describe your question in a few words."),
            "min_length": _("Describe your question in at least %(limit_value)d characters."),
            "max_length": _("Shorten the details to %(limit_value)d characters."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "ask-%s")
        super().__init__(*args, **kwargs)


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=pgettext_lazy("question form", "Your answer"),
        min_length=BODY_MIN,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write your answer."),
            "min_length": _("Write your answer in at least %(limit_value)d characters."),
            "max_length": _("Shorten your answer to %(limit_value)d characters."),
        },
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong? (optional)"),
        required=False,
        max_length=300,
        error_messages={"max_length": _("Say it in at most %(limit_value)d characters.")},
    )
