"""Forms: the catalogue and case filters (GET, no JavaScript) and a lesson's knowledge check.

The knowledge-check form is built from the check's questions and options only: its choices are
option positions and texts, never whether an option is correct.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.forms import OriginalWordsSelect
from academy.models import GrowthStage, Industry

from .choices import Language, Level
from .grading import Answers
from .models import Product


def _any(label) -> list[tuple[str, str]]:
    return [("", label)]


class CatalogueFilterForm(forms.Form):
    product = forms.ChoiceField(label=_("Product"), required=False)
    stage = forms.ChoiceField(
        label=_("Growth stage"),
        required=False,
        choices=_any(_("All stages")) + list(GrowthStage.choices),
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=_any(_("All levels")) + list(Level.choices)
    )
    language = forms.ChoiceField(
        label=_("Taught in"),
        required=False,
        choices=_any(_("All languages")) + list(Language.choices),
    )

    def __init__(self, *args, products: list[Product], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = _any(_("All products")) + [
            (p.slug, p.label) for p in products
        ]

    def filters(self) -> dict[str, str]:
        """The valid, non-empty filters; an unknown value in the URL is ignored, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name)}


class CaseFilterForm(forms.Form):
    industry = forms.ChoiceField(label=_("Industry"), required=False, widget=OriginalWordsSelect)
    product = forms.ChoiceField(label=_("Product"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False, widget=OriginalWordsSelect)

    def __init__(
        self,
        *args,
        industries: list[tuple[Industry, int]],
        products: list[Product],
        cities: list[str],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Sub-industries are indented under their parent; choosing a parent includes them.
        self.fields["industry"].choices = _any(_("All industries")) + [
            (industry.slug, "\u3000" * depth + industry.name) for industry, depth in industries
        ]
        self.fields["product"].choices = _any(_("All products")) + [
            (p.slug, p.label) for p in products
        ]
        self.fields["city"].choices = _any(_("All cities")) + [(city, city) for city in cities]

    def filters(self) -> dict[str, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name)}


class KnowledgeCheckForm(forms.Form):
    """One field per question: q0, q1…; values are option positions."""

    def __init__(self, check, *args, last_result=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check
        self.last_result = last_result
        for index, question in enumerate(check["questions"]):
            choices = [(str(j), option["text"]) for j, option in enumerate(question["options"])]
            if question["multiple"]:
                field = forms.MultipleChoiceField(
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"required": _("Tick at least one answer.")},
                )
            else:
                field = forms.ChoiceField(
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer.")},
                )
            field.choices = choices
            field.label = question["prompt"]
            field.multiple = bool(question["multiple"])
            self.fields[f"q{index}"] = field

    @staticmethod
    def initial_for(check, answers: Answers) -> dict:
        """Initial values showing `answers` (a previous attempt) in the form."""
        initial = {}
        for index, question in enumerate(check["questions"]):
            chosen = sorted(answers.get(index, ()))
            if question["multiple"]:
                initial[f"q{index}"] = [str(c) for c in chosen]
            elif chosen:
                initial[f"q{index}"] = str(chosen[0])
        return initial

    @property
    def questions(self) -> list[tuple]:
        """(bound field, whether the last attempt answered it right: True/False/None) pairs."""
        verdicts = {}
        if self.last_result is not None:
            verdicts = {q.index: q.answered_correctly for q in self.last_result.questions}
        return [(self[f"q{i}"], verdicts.get(i)) for i in range(len(self.check["questions"]))]

    def answers(self) -> Answers:
        answers: Answers = {}
        for index, _question in enumerate(self.check["questions"]):
            value = self.cleaned_data[f"q{index}"]
            values = value if isinstance(value, list) else [value]
            answers[index] = frozenset(int(v) for v in values)
        return answers
