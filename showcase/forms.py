"""Forms of the showcase: the directory's filters (GET), a merchant's enquiry, and the team
side's profile, service and partnership forms. Length limits live here and in the models."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.forms import OriginalWordsSelect
from academy.localisation import LANG_TAGS, default_language, reads_original
from academy.models import Industry
from academy.script import fold
from courses.models import Product

from .models import BudgetBand, Enquiry, PartnerNeed, ProviderService, ServiceKind, ShowcaseProfile
from .selectors import directory_choices

MAX_QUERY = 60


def _any(label) -> list[tuple[str, str]]:
    return [("", label)]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("site search", "Search"), required=False, max_length=MAX_QUERY
    )
    industry = forms.ChoiceField(label=_("Industry"), required=False, widget=OriginalWordsSelect)
    city = forms.ChoiceField(label=_("City"), required=False, widget=OriginalWordsSelect)
    product = forms.ChoiceField(label=_("Product"), required=False)
    service = forms.ChoiceField(
        label=_("Service type"),
        required=False,
        choices=_any(_("All service types")) + list(ServiceKind.choices),
    )
    certified = forms.BooleanField(label=_("Has certified lecturers"), required=False)
    partners = forms.BooleanField(label=_("Open to partnerships"), required=False)

    def __init__(self, *args, products: list[Product], **kwargs):
        super().__init__(*args, **kwargs)
        choices = directory_choices()
        self.industry_tree = choices["industries"]
        self._accept_industry_names()
        # Sub-industries are indented under their parent; choosing a parent includes them.
        self.fields["industry"].choices = _any(_("All industries")) + [
            (industry.slug, "\u3000" * depth + industry.name)
            for industry, depth in choices["industries"]
        ]
        self.fields["city"].choices = _any(_("All cities")) + [(c, c) for c in choices["cities"]]
        self.fields["product"].choices = _any(_("All products")) + [
            (p.slug, p.label) for p in products
        ]

    def _accept_industry_names(self) -> None:
        """?industry=餐饮 (or 餐飲) works as well as ?industry=catering: people type names."""
        wanted = self.data.get("industry") if self.is_bound else None
        if not wanted or any(i.slug == wanted for i, _depth in self.industry_tree):
            return
        by_name = {fold(i.name): i.slug for i, _depth in self.industry_tree}
        if fold(wanted) in by_name:
            self.data = self.data.copy()
            self.data["industry"] = by_name[fold(wanted)]

    def filters(self) -> dict:
        """The valid, non-empty filters; an unknown value in the URL is ignored, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name)}


def original_words(text: str):
    """Names written only in Chinese (industries), marked so for a reader of English."""
    if reads_original():
        return text
    return format_html('<span lang="{}">{}</span>', LANG_TAGS[default_language()], text)


def industry_name(industry) -> str:
    return f"{industry.parent.name} › {industry.name}" if industry.parent_id else industry.name


class IndentedIndustries(forms.ModelMultipleChoiceField):
    def label_from_instance(self, industry):
        return original_words(industry_name(industry))


def example_help(text, example: str):
    """A help text whose example is Chinese: the example marked as such for English readers."""
    return format_html(str(text), example=original_words(example))


def _industries_field(label) -> IndentedIndustries:
    return IndentedIndustries(
        label=label,
        required=False,
        queryset=Industry.objects.select_related("parent").order_by(
            "parent__sort_order", "parent_id", "sort_order", "name"
        ),
        widget=forms.CheckboxSelectMultiple,
    )


class EnquiryForm(forms.ModelForm):
    """A merchant's enquiry. `website` is a honeypot: people never see it, robots fill it."""

    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)
    consent = forms.BooleanField(label=_("I agree"), required=True)

    class Meta:
        model = Enquiry
        fields = ["name", "company", "phone", "email", "industry", "city", "need", "budget"]
        widgets = {"need": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}

    def __init__(self, *args, privacy_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.select_related("parent")
        self.fields[
            "industry"
        ].label_from_instance = IndentedIndustries.label_from_instance.__get__(
            self.fields["industry"]
        )
        self.fields["budget"].choices = list(BudgetBand.choices)
        self.fields["phone"].help_text = _(
            "A phone number or an e-mail address, so they can answer."
        )
        self.fields["consent"].help_text = mark_safe(
            _(
                "The provider receives your name and contact details to answer this enquiry; "
                'they are removed after the retention period. <a href="%(url)s">Privacy notice</a>'
            )
            % {"url": privacy_url}
        )

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email")):
            self.add_error("phone", _("Give a phone number or an e-mail address."))
        return data

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class ProfileForm(forms.ModelForm):
    industries = _industries_field(_("Industries served"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cities"].help_text = example_help(
            _("Comma-separated, e.g. {example}"), "杭州, 上海"
        )

    class Meta:
        model = ShowcaseProfile
        fields = [
            "slug",
            "tagline",
            "about",
            "cities",
            "industries",
            "active_since",
            "show_growth_stage",
            "open_to_partnerships",
        ]
        widgets = {"about": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}

    def clean_active_since(self):
        year = self.cleaned_data.get("active_since")
        if year is not None and not 1980 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("Enter a year from 1980 to this year."))
        return year


class ServiceForm(forms.ModelForm):
    industries = _industries_field(_("Industries"))
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        required=False,
        queryset=Product.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ProviderService
        fields = [
            "title",
            "kind",
            "industries",
            "products",
            "description",
            "price_from",
            "price_to",
            "delivery_weeks",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].label_from_instance = lambda p: p.label

    def clean(self):
        data = super().clean()
        low, high = data.get("price_from"), data.get("price_to")
        if low is not None and high is not None and low > high:
            self.add_error("price_to", _("The upper price must not be below the lower one."))
        return data


class EnquiryUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Enquiry.Status.choices)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000}),
    )


class PartnerNeedForm(forms.ModelForm):
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        required=False,
        queryset=Product.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PartnerNeed
        fields = ["title", "description", "city", "kind", "products", "keywords"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].label_from_instance = lambda p: p.label
        self.fields["kind"].choices = _any(_("Any service type")) + list(ServiceKind.choices)
        self.fields["keywords"].help_text = example_help(
            _("Comma-separated, e.g. {example}"), "电子发票, 财税"
        )


class PartnerResponseForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
