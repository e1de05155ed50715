"""Admin forms of the certification app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Question


class QuestionForm(WagtailAdminModelForm):
    """A question's choices must make sense for its type before it can be saved."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        formset = self.formsets.get("choices")
        if formset is None or not formset.is_valid():
            return cleaned
        kept = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        correct = sum(1 for c in kept if c.get("is_correct"))
        if kind == Question.Kind.SHORT:
            if kept:
                raise ValidationError(_("A short-answer question has no choices."))
        elif len(kept) < 2:
            raise ValidationError(_("Give at least two choices."))
        elif kind == Question.Kind.MULTIPLE and correct < 1:
            raise ValidationError(_("Mark at least one choice as correct."))
        elif kind != Question.Kind.MULTIPLE and correct != 1:
            raise ValidationError(_("Mark exactly one choice as correct."))
        return cleaned
