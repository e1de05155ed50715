"""Sign-up asks who you are and which provider company you work for (allauth's signup form)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Provider


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form; allauth calls signup() after creating the user."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        help_text=_("Shown on the site and printed on your certificates."),
    )
    company_choice = forms.ChoiceField(
        label=_("Your company"),
        choices=[
            ("join", _("Join a company already in the academy")),
            ("create", _("Register a new company")),
        ],
        initial="join",
        widget=forms.RadioSelect,
    )
    provider = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Provider.objects.order_by("name"),
        required=False,
        empty_label=_("Choose your company"),
    )
    new_provider_name = forms.CharField(label=_("New company name"), max_length=120, required=False)
    new_provider_city = forms.CharField(label=_("City"), max_length=40, required=False)

    field_order = [
        "display_name",
        "email",
        "password1",
        "password2",
        "company_choice",
        "provider",
        "new_provider_name",
        "new_provider_city",
    ]

    def clean(self):
        data = super().clean()
        if data.get("company_choice") == "create":
            name = (data.get("new_provider_name") or "").strip()
            if not name:
                self.add_error("new_provider_name", _("Enter your company's name."))
            elif Provider.objects.filter(name__iexact=name).exists():
                self.add_error(
                    "new_provider_name",
                    _("%(name)s is already in the academy: choose “Join a company” instead.")
                    % {"name": name},
                )
        elif data.get("company_choice") == "join" and not data.get("provider"):
            self.add_error("provider", _("Choose your company, or register a new one."))
        return data

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])
        if self.cleaned_data["company_choice"] == "create":
            services.create_provider(
                user,
                self.cleaned_data["new_provider_name"],
                self.cleaned_data.get("new_provider_city", ""),
            )
        else:
            services.join_provider(user, self.cleaned_data["provider"])
