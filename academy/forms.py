"""Sign-up asks who you are and which provider company you work for (allauth's signup form);
My academy lets a person without a company ask to join one or register their own.

No form lists the companies in the academy: the person types their company's name and it is
matched (services.find_provider). Joining an existing company makes a join request its
administrators decide on; only registering a new company makes a member at once (its first
administrator).
"""

from django import forms
from django.contrib import messages
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField

from . import localisation, privacy, services
from .models import LecturerProfile

NO_SUCH_COMPANY = _(
    "No company of that name is in the academy; check the spelling or register a new company."
)


def _company_name_field(label, help_text="", required=False) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=120,
        required=required,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )


def _typed_name(value: str | None) -> str:
    return " ".join((value or "").split())


class OriginalWordsSelect(forms.Select):
    """A select whose choices (besides the empty one) are names written in Chinese only: a city,
    an industry. A reader of English gets them marked lang="zh-Hans" for screen readers."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and not localisation.reads_original():
            option["attrs"]["lang"] = localisation.LANG_TAGS[localisation.default_language()]
        return option


class JoinCompanyForm(forms.Form):
    """Ask to join a company by its name (My academy)."""

    company_name = _company_name_field(
        _("Company name"),
        _("Its full registered name. One of its administrators approves your request."),
        required=True,
    )

    def clean_company_name(self):
        name = _typed_name(self.cleaned_data.get("company_name"))
        self.provider = services.find_provider(name)
        if self.provider is None:
            raise forms.ValidationError(NO_SUCH_COMPANY)
        return name


class RegisterCompanyForm(forms.Form):
    """Register a new company, becoming its first administrator (My academy)."""

    new_provider_name = _company_name_field(_("New company name"), required=True)
    new_provider_city = forms.CharField(label=_("City"), max_length=40, required=False)

    def clean_new_provider_name(self):
        name = _typed_name(self.cleaned_data.get("new_provider_name"))
        taken = services.find_provider(name)
        if taken is not None:
            raise forms.ValidationError(services.CompanyNameTaken(taken).message)
        return name


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
    company_name = _company_name_field(
        _("Company name"),
        _(
            "Type its full registered name. Its administrators approve your request before you "
            "see the company's pages."
        ),
    )
    new_provider_name = _company_name_field(_("New company name"))
    new_provider_city = forms.CharField(label=_("City"), max_length=40, required=False)
    accept_privacy_notice = forms.BooleanField(
        label=_("I have read the privacy notice and accept it."),
        required=True,
    )

    field_order = [
        "display_name",
        "email",
        "password1",
        "password2",
        "company_choice",
        "company_name",
        "new_provider_name",
        "new_provider_city",
        "accept_privacy_notice",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Before staff publish a notice there is nothing to accept (a new installation).
        self.notice_version = privacy.current_version()
        if self.notice_version is None:
            del self.fields["accept_privacy_notice"]

    def clean(self):
        data = super().clean()
        choice = data.get("company_choice")
        if choice == "create":
            name = _typed_name(data.get("new_provider_name"))
            if not name:
                self.add_error("new_provider_name", _("Enter your company's name."))
            elif (taken := services.find_provider(name)) is not None:
                self.add_error("new_provider_name", services.CompanyNameTaken(taken).message)
            data["new_provider_name"] = name
        elif choice == "join":
            name = _typed_name(data.get("company_name"))
            if not name:
                self.add_error(
                    "company_name", _("Enter your company's name, or register a new company.")
                )
            elif (provider := services.find_provider(name)) is None:
                self.add_error("company_name", NO_SUCH_COMPANY)
            else:
                data["provider"] = provider
        return data

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])
        if self.cleaned_data.get("accept_privacy_notice"):
            privacy.accept_notice(user, source=privacy.Source.SIGNUP, request=request)
        language = get_language() or ""
        # The language they signed up in is their profile's until they change it.
        services.set_profile_language(user, language)
        if self.cleaned_data["company_choice"] == "join":
            services.request_to_join(user, self.cleaned_data["provider"], language)
            return
        try:
            services.create_provider(
                user,
                self.cleaned_data["new_provider_name"],
                self.cleaned_data.get("new_provider_city", ""),
            )
        except services.CompanyNameTaken as taken:
            # Registered by someone else between the check above and now: the account exists
            # already, so ask that company's administrators rather than fail.
            services.request_to_join(user, taken.provider, language)
            messages.info(
                request,
                _(
                    "%(company)s was registered a moment ago by someone else. We asked its "
                    "administrators to let you in."
                )
                % {"company": taken.provider.name},
            )


class LecturerProfileForm(forms.ModelForm):
    """What a lecturer says about themselves in the directory and on event and course pages."""

    # Wagtail's image field: it checks the format, size and pixel count the image library allows.
    photo_upload = WagtailImageField(label=_("Photo"), required=False)
    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)
    # A consent, recorded with its history (academy/privacy.py), not a plain model field.
    listed = forms.BooleanField(
        label=_("Show my profile in the lecturer directory and the provider showcase"),
        help_text=_("Optional. You can withdraw it here or in My academy at any time."),
        required=False,
    )

    class Meta:
        model = LecturerProfile
        fields = ["bio", "city", "specialties"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6, "maxlength": 2000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listed"].initial = self.instance.listed
        if self.instance.photo_id is None:
            del self.fields["remove_photo"]

    def clean_bio(self):
        bio = self.cleaned_data["bio"].strip()
        if len(bio) > 2000:
            raise forms.ValidationError(_("Keep the biography under 2,000 characters."))
        return bio


class ProfileForm(forms.Form):
    """The person corrects their own profile: their name and the language they read in (the
    e-mail address is changed, and verified, on allauth's e-mail page)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("How your name appears on the site and on certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        help_text=_("E-mails and certificates are written in it."),
    )

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES

    def clean_display_name(self):
        return _typed_name(self.cleaned_data["display_name"])


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
