"""The privacy notice and the consents people give and withdraw (academy/privacy.py decides).

Imported by academy/models.py so Django finds the models; services live in academy/privacy.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin

from . import localisation


class PrivacyNotice(TranslatableMixin, models.Model):
    """One version of the privacy notice, in one content language (Snippets → Privacy notices).

    A new version is a new notice: the text a person accepted is never edited under them. Its
    English version is made with "Translate" and carries the same number. Only a version marked
    as a material change asks people who accepted an earlier one to accept again.
    """

    version = models.PositiveIntegerField(
        _("version"), help_text=_("1, 2, 3 … Each new version of the notice gets the next number.")
    )
    material_change = models.BooleanField(
        _("material change"),
        default=True,
        help_text=_(
            "Signed-in people must accept a version that changes materially (what is collected, "
            "why, who receives it, how long it is kept) before going on. Leave unticked for "
            "corrections of wording."
        ),
    )
    effective_date = models.DateField(_("effective from"), default=timezone.localdate)
    summary_of_changes = models.TextField(
        _("summary of changes"),
        blank=True,
        help_text=_("Shown to people asked to accept this version: what changed since the last."),
    )
    body = RichTextField(_("text"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])

    panels = [
        FieldRowPanel([FieldPanel("version"), FieldPanel("effective_date")]),
        FieldPanel("material_change"),
        FieldPanel("summary_of_changes"),
        FieldPanel("body"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["-version"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        constraints = [
            models.UniqueConstraint(
                fields=["locale", "version"], name="privacynotice_one_version_per_language"
            ),
        ]

    def __str__(self):
        return f"v{self.version} · {self.effective_date:%Y-%m-%d}"

    @property
    def excerpt(self) -> str:
        return strip_tags(self.body)[:120]

    @classmethod
    def originals(cls):
        """The notices in the default content language: they carry the version that counts."""
        return cls.objects.filter(locale__language_code=localisation.default_language())


class ConsentRecord(models.Model):
    """One grant or withdrawal of a consent, kept as history: the latest row per kind is the
    person's current choice. Accepting the privacy notice is a row too (kind privacy_notice)."""

    class Kind(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", _("Privacy notice accepted")
        MARKETING_EMAIL = "marketing_email", _("News and offers by e-mail")
        PROFILE_LISTING = (
            "profile_listing",
            _("Profile shown in the lecturer directory and the provider showcase"),
        )

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        ACCEPT_PAGE = "accept_page", _("Asked to accept a new version")
        MY_ACADEMY = "my_academy", _("My academy")
        LECTURER_PROFILE = "lecturer_profile", _("Lecturer profile")
        STAFF = "staff", _("Staff, on the person's request")
        BEFORE_RECORDS = "before_records", _("Given before consents were recorded")
        DEMO = "demo", _("Demo data")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("join request", "person"),
        on_delete=models.CASCADE,
        related_name="consent_records",
    )
    kind = models.CharField(_("consent"), max_length=20, choices=Kind.choices)
    granted = models.BooleanField(_("given"))
    # The privacy notice in force when the choice was made: what the person was told.
    notice_version = models.PositiveIntegerField(_("privacy notice version"), null=True)
    source = models.CharField(_("where"), max_length=20, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["user", "kind", "-at"], name="consent_latest_idx")]

    def __str__(self):
        state = _("given") if self.granted else _("withdrawn")
        return f"{self.user} · {self.get_kind_display()} · {state}"


class RetentionRun(models.Model):
    """What one run of the retention job removed, per rule (academy/retention.py)."""

    ran_at = models.DateTimeField(_("ran"), default=timezone.now, db_index=True)
    counts = models.JSONField(_("removed, per rule"), default=dict)
    total = models.PositiveIntegerField(_("removed in all"), default=0)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d %H:%M} · {self.total}"
