"""Business expansion (業務拓展): providers' public profiles and services, merchants' enquiries,
and partnership needs between providers.

A profile is edited by the provider's admins and shown publicly only as staff last approved it:
the approved copy is kept as JSON (`published_data`) with the directory's filter tags beside it,
so a newer edit can wait for review while the approved version stays public (services.py).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ServiceKind(models.TextChoices):
    """What kind of work a service is: the directory's "service type" filter."""

    DEVELOPMENT = "development", _("Custom development")
    INTEGRATION = "integration", _("Integration")
    SAAS = "saas", _("Software (SaaS)")
    OPERATIONS = "operations", _("Operations service")
    CONSULTING = "consulting", _("Consulting")
    TRAINING = "training", _("Training")


class ShowcaseProfile(models.Model):
    """A provider's public profile at /providers/<slug>/, moderated by staff."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("provider profile status", "Changes requested")

    provider = models.OneToOneField(
        "academy.Provider",
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="showcase_profile",
    )
    slug = models.SlugField(
        _("address"),
        max_length=60,
        unique=True,
        help_text=_(
            "The profile's address: /providers/your-address/. Letters, digits and hyphens."
        ),
    )
    tagline = models.CharField(_("tagline"), max_length=120, blank=True)
    about = models.TextField(_("about the company"), max_length=2000, blank=True)
    cities = models.CharField(
        _("cities served"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated, e.g. 杭州, 上海"),
    )
    industries = models.ManyToManyField(
        "academy.Industry", verbose_name=_("industries served"), blank=True, related_name="+"
    )
    active_since = models.PositiveSmallIntegerField(_("active since (year)"), null=True, blank=True)
    # Toggles that take nothing new public take effect at once, without a review.
    show_growth_stage = models.BooleanField(_("show our growth stage"), default=False)
    open_to_partnerships = models.BooleanField(_("open to partnerships"), default=False)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.TextField(_("note to the provider"), blank=True)
    # The approved copy the public pages show ({} until a first approval).
    published_data = models.JSONField(_("approved version"), default=dict, blank=True)
    published_at = models.DateTimeField(_("approved version since"), null=True, blank=True)
    # The approved copy's words, folded (Traditional → Simplified, lower case) for the search.
    search_text = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")
        permissions = [("moderate_showcaseprofile", _("Can approve provider profiles"))]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.provider.name if self.provider_id else self.slug

    def get_absolute_url(self) -> str:
        return reverse("showcase:profile", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return bool(self.published_data)

    @property
    def is_searchable(self) -> bool:
        """In the site search while the approved copy is public (academy/search.py)."""
        return self.is_public and self.published_at is not None

    @property
    def search_body(self) -> str:
        """The approved copy's words, never the draft's (showcase/indexing.py)."""
        from .services import public_text

        return public_text(self)

    @property
    def city_list(self) -> list[str]:
        return split_list(self.cities)


def split_list(text: str) -> list[str]:
    """Comma-separated words (either comma, either width), trimmed and without repeats."""
    seen: list[str] = []
    for part in (text or "").replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


class ProviderService(models.Model):
    """One service a provider offers; part of its profile (reviewed with it)."""

    profile = models.ForeignKey(
        ShowcaseProfile,
        verbose_name=_("provider profile"),
        on_delete=models.CASCADE,
        related_name="services",
    )
    title = models.CharField(_("title"), max_length=80)
    kind = models.CharField(_("service type"), max_length=20, choices=ServiceKind.choices)
    industries = models.ManyToManyField(
        "academy.Industry", verbose_name=_("industries"), blank=True, related_name="+"
    )
    products = models.ManyToManyField(
        "courses.Product", verbose_name=_("products"), blank=True, related_name="+"
    )
    description = models.TextField(_("description"), max_length=1000, blank=True)
    price_from = models.PositiveIntegerField(_("price from (yuan)"), null=True, blank=True)
    price_to = models.PositiveIntegerField(_("price up to (yuan)"), null=True, blank=True)
    delivery_weeks = models.PositiveSmallIntegerField(
        _("typical delivery time (weeks)"), null=True, blank=True
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.title


class DirectoryTag(models.Model):
    """One filterable fact of an approved profile (an industry, a city, a product, a service
    type), rewritten whenever the approved copy changes, so the directory filters in SQL."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry"
        CITY = "city"
        PRODUCT = "product"
        SERVICE = "service"

    profile = models.ForeignKey(ShowcaseProfile, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind", "value"], name="directorytag_once")
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self):
        return f"{self.kind}:{self.value}"


class BudgetBand(models.TextChoices):
    UNDER_10K = "under-10k", _("Under ¥10,000")
    TO_50K = "10k-50k", _("¥10,000 – 50,000")
    TO_200K = "50k-200k", _("¥50,000 – 200,000")
    OVER_200K = "over-200k", _("Over ¥200,000")
    UNSURE = "unsure", _("Not sure yet")


class Enquiry(models.Model):
    """A merchant asks a provider for a service. Personal data: anonymised after the retention
    period (ACADEMY_RETENTION["showcase_enquiries"], services.anonymise_old_enquiries)."""

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("enquiry status", "New")
        CONTACTED = "contacted", _("Contacted")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    provider = models.ForeignKey(
        "academy.Provider",
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="enquiries",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    company = models.CharField(_("company"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), max_length=120, blank=True)
    industry = models.ForeignKey(
        "academy.Industry",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    city = models.CharField(_("city"), max_length=40, blank=True)
    need = models.TextField(_("what you need"), max_length=2000)
    budget = models.CharField(
        _("budget"), max_length=10, choices=BudgetBand.choices, default=BudgetBand.UNSURE
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    consented_at = models.DateTimeField(_("consent given"))
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    admins_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    merchant_copied_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        permissions = [("view_enquiry_report", _("Can see the enquiries report"))]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self):
        return f"#{self.pk} → {self.provider_id}"


class PartnerNeed(models.Model):
    """A provider looks for a partner: "an e-invoicing partner in 杭州", with capability tags."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    provider = models.ForeignKey(
        "academy.Provider",
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="partner_needs",
    )
    title = models.CharField(_("what you are looking for"), max_length=120)
    description = models.TextField(_("details"), max_length=2000, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    kind = models.CharField(
        _("service type"), max_length=20, choices=ServiceKind.choices, blank=True
    )
    products = models.ManyToManyField(
        "courses.Product", verbose_name=_("products"), blank=True, related_name="+"
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=120,
        blank=True,
        help_text=_("Comma-separated, e.g. 电子发票, 财税"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partnership need")
        verbose_name_plural = _("partnership needs")

    def __str__(self):
        return self.title


class PartnerResponse(models.Model):
    """A provider answers a partnership need; both companies' admins are introduced by e-mail."""

    need = models.ForeignKey(
        PartnerNeed, verbose_name=_("need"), on_delete=models.CASCADE, related_name="responses"
    )
    provider = models.ForeignKey(
        "academy.Provider",
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="partner_responses",
    )
    message = models.TextField(_("message"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)
    introduced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partnership response")
        verbose_name_plural = _("partnership responses")
        constraints = [
            models.UniqueConstraint(fields=["need", "provider"], name="partnerresponse_once")
        ]

    def __str__(self):
        return f"{self.provider_id} → {self.need_id}"
