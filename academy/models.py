"""The academy's people and companies, the site shell pages, and the search index.

Providers, members and lecturers are read by every other app; this module imports none of them.
Over 600 lines because Django finds an app's models in one module; the concerns are grouped under
headings: people and companies, pages and settings, the search index, the outbox and mail, privacy.
"""

import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from . import localisation
from .page_lookups import KeptLookupsMixin


class User(AbstractUser):
    """A person with an account; e-mail is the login (allauth), username is internal."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("How your name appears on the site and on certificates."),
    )
    welcomed_at = models.DateTimeField(
        _("welcome e-mail sent"), null=True, blank=True, editable=False
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.email or self.username

    @property
    def membership(self):
        """The user's company membership, or None (at most one per user)."""
        if "academy_membership" not in self._state.fields_cache and self.pk:
            # With its company: nearly every reader of a membership shows or checks the company.
            found = Membership.objects.select_related("provider").filter(user_id=self.pk).first()
            self._state.fields_cache["academy_membership"] = found
            return found
        try:
            return self.academy_membership
        except Membership.DoesNotExist:
            return None


def user_display(user) -> str:
    """allauth's ACCOUNT_USER_DISPLAY: the display name, else the e-mail address."""
    return str(user)


class GrowthStage(models.TextChoices):
    """The four directions of the provider growth plan, in order."""

    CREATE = "create", _("Create")
    CAPABILITY = "capability", _("Capability")
    OPERATIONS = "operations", _("Operations")
    EXPANSION = "expansion", _("Business expansion")


class Industry(models.Model):
    """A merchant industry; hierarchical (餐飲 → 茶飲, 快餐 …) so 150+ fit under a few roots."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="industry_unique_name_in_parent"
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


def company_name_key(name: str) -> str:
    """What every spelling of one company name has in common, for matching a typed name.

    Full-width letters and brackets become plain ones (NFKC), Traditional becomes Simplified,
    case and surrounding or repeated whitespace stop mattering: 港灣餐飲科技(香港)有限公司 and
    港湾餐饮科技（香港）有限公司 are the same company.
    """
    from .search import fold  # academy.search imports this module

    return fold(unicodedata.normalize("NFKC", name or ""))


class ProviderQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(), where the matching key is otherwise kept in step.
        objs = list(objs)
        for provider in objs:
            provider.name_key = company_name_key(provider.name)
        return super().bulk_create(objs, *args, **kwargs)


class Provider(models.Model):
    """A service-provider company: builds mini-programs, payment and workplace integrations."""

    name = models.CharField(_("company name"), max_length=120, unique=True)
    # Unique, so two spellings of one name (Traditional/Simplified, full-width, case) can never be
    # two companies, and a name typed at sign-up matches at most one (company_name_key).
    name_key = models.CharField(
        _("company name for matching"), max_length=255, unique=True, editable=False
    )
    city = models.CharField(_("city"), max_length=40, blank=True)
    industries = models.ManyToManyField(
        Industry, verbose_name=_("industries served"), blank=True, related_name="providers"
    )
    growth_stage = models.CharField(
        _("growth stage"), max_length=20, choices=GrowthStage.choices, default=GrowthStage.CREATE
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created"), auto_now_add=True)

    objects = ProviderQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("city"),
        FieldPanel("industries"),
        FieldPanel("growth_stage"),
        FieldPanel("description"),
        FieldPanel("website"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = pgettext_lazy("service provider company", "provider")
        verbose_name_plural = _("providers")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = company_name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        taken = Provider.objects.filter(name_key=company_name_key(self.name)).exclude(pk=self.pk)
        if self.name and taken.exists():
            raise ValidationError(
                {"name": _("A company with this name is already in the academy.")}
            )


class Membership(models.Model):
    """A user's place in a provider company. One company per user."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="academy_membership",
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["provider", "-role", "joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.provider} ({self.get_role_display()})"


class JoinRequest(models.Model):
    """A person asks to join an existing provider company; one of its administrators decides.

    Until approved the person has no Membership and so no access to the company's pages. The
    row stays as the record of who asked, who decided, when and why (services.py changes it).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("join request", "person"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The requester's language when asking: the decision is e-mailed in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    admins_notified_at = models.DateTimeField(
        _("administrators e-mailed"), null=True, blank=True, editable=False
    )
    requester_notified_at = models.DateTimeField(
        _("requester e-mailed the decision"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="joinrequest_one_pending_per_user",
            ),
        ]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self):
        return f"{self.user} → {self.provider} ({self.get_status_display()})"


class LecturerProfile(models.Model):
    """What makes a user a lecturer; listed in the public directory once they choose to be."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="lecturer_profile",
    )
    bio = models.TextField(_("biography"), blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    specialties = models.CharField(
        _("specialties"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated, e.g. 小程序電商, 微信支付"),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The lecturer's consent to be listed (academy/privacy.py, kind profile_listing), kept here
    # so directory queries stay one filter; only privacy.set_consent writes it, with a history
    # row. Off until the lecturer says yes: being listed is an optional consent.
    listed = models.BooleanField(
        _("listed in the lecturer directory"),
        default=False,
        editable=False,
        help_text=_("Shown publicly only once the lecturer holds a valid certificate."),
    )
    # Written by certification while the lecturer holds a valid certificate (design.md): the
    # topics they may teach. events reads it (may_teach) without importing certification.
    authorised_topics = models.JSONField(
        _("topics authorised to teach"), default=list, blank=True, editable=False
    )
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created"), auto_now_add=True)

    panels = [
        FieldPanel("user"),
        FieldPanel("bio"),
        FieldPanel("city"),
        FieldPanel("specialties"),
        FieldPanel("photo"),
    ]

    class Meta:
        ordering = ["user__display_name"]
        verbose_name = _("lecturer profile")
        verbose_name_plural = _("lecturer profiles")

    def __str__(self):
        return str(self.user)

    @property
    def has_public_profile(self) -> bool:
        """Whether the directory shows this lecturer (opted in, with a valid certificate), so
        pages may link to the profile. Authorised topics are written only while a certificate
        is valid, which lets pages below certification tell without importing it."""
        return self.listed and bool(self.authorised_topics)

    @property
    def specialty_list(self) -> list[str]:
        return [s.strip() for s in self.specialties.replace("，", ",").split(",") if s.strip()]


# --- Pages ----------------------------------------------------------------------------------------


class OfferBlock(blocks.StructBlock):
    """One of the things the academy offers, as a card on the home page."""

    title = blocks.CharBlock(label=_("title"), max_length=60)
    text = blocks.TextBlock(label=_("text"), max_length=240)
    link_page = blocks.PageChooserBlock(label=_("link to page"), required=False)
    link_url = blocks.CharBlock(label=_("or link to URL"), required=False, max_length=200)

    class Meta:
        icon = "pick"
        label = _("Offer")
        template = "academy/blocks/offer.html"


class StatBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("value"), max_length=20)
    label = blocks.CharBlock(label=pgettext_lazy("key figure", "label"), max_length=60)

    class Meta:
        icon = "order"
        label = _("Key figure")


class HomePage(KeptLookupsMixin, Page):
    """The academy's front door."""

    hero_eyebrow = models.CharField(_("eyebrow"), max_length=80, blank=True)
    hero_title = models.CharField(_("headline"), max_length=120)
    hero_intro = models.TextField(_("introduction"), blank=True)
    stats = StreamField([("stat", StatBlock())], verbose_name=_("key figures"), blank=True)
    offers = StreamField(
        [("offer", OfferBlock())], verbose_name=_("what the academy offers"), blank=True
    )

    # The original home; its English version is made by "Translate" (copying skips this limit).
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    translated_fields = ("hero_eyebrow", "hero_title", "hero_intro", "stats", "offers")

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_eyebrow"),
                FieldPanel("hero_title"),
                FieldPanel("hero_intro"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("stats"),
        FieldPanel("offers"),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_intro")]
    api_fields = [APIField("hero_title"), APIField("hero_intro"), APIField("offers")]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        from .localisation import route_in_original_tree

        return route_in_original_tree(self, request, path_components)


class StandardPage(KeptLookupsMixin, Page):
    """A plain content page: about the academy, guides, FAQs."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(label=_("heading"), form_classname="title")),
            ("paragraph", blocks.RichTextBlock(label=_("paragraph"))),
            ("image", ImageBlock(label=_("image"))),
            ("quote", blocks.BlockQuoteBlock(label=_("quote"))),
        ],
        verbose_name=_("body"),
        blank=True,
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    translated_fields = ("intro", "body")
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    api_fields = [APIField("intro"), APIField("body")]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Per-site details that read the same in every language (Settings → Site settings).

    Wagtail's site settings have one value per site, not per language, so words a reader reads
    (the footer's contact text) live in FooterText, a snippet with a version per language.
    """

    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    icp_number = models.CharField(
        _("ICP licence number"),
        max_length=60,
        blank=True,
        help_text=_("Shown in the footer, as sites served in mainland China must."),
    )

    class Meta:
        verbose_name = _("site settings")


class FooterText(TranslatableMixin, models.Model):
    """The footer's contact text, one per content language (Snippets → Footer text).

    Translated like a page: "Translate" in the snippet's menu copies it into English, to edit.
    A language without its own version shows the original's text (`for_reader`).
    """

    body = RichTextField(_("text"), features=["bold", "italic", "link"])

    panels = [FieldPanel("body")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("footer text")
        verbose_name_plural = _("footer texts")

    def __str__(self):
        return strip_tags(self.body)[:60] or str(self._meta.verbose_name)

    @classmethod
    def for_reader(cls) -> "FooterText | None":
        """The version in the reader's content language, else the default language's (one query)."""
        wanted = [localisation.content_language(), localisation.default_language()]
        texts = {
            t.locale.language_code: t
            for t in cls.objects.select_related("locale").filter(locale__language_code__in=wanted)
        }
        return next((texts[code] for code in wanted if code in texts), None)


# --- Search index (academy/search.py) ---------------------------------------------------------------


class SearchDocument(models.Model):
    """One searchable object, its text folded to Simplified Chinese and lower case.

    Stock Wagtail backends treat a run of Chinese characters as one token, so 餐飲 never matches
    餐飲行業案例; this index is searched by substring instead (academy/search.py).

    A page's document points at its Page row, so who may see it (live, not expired, outside any
    view restriction the reader cannot pass) is decided at query time from the page tree as it is
    now, never from a copy that a privacy change or a move could leave stale.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    page = models.ForeignKey(
        Page,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The page this document indexes; empty for objects that are not pages.",
    )
    kind = models.CharField(
        max_length=100, help_text="The indexed model, e.g. 'courses.coursepage'."
    )
    # A page and its versions in other languages share a translation key (Wagtail's
    # localisation): search shows a reader one of them (academy.search.in_reader_language).
    language = models.CharField(
        max_length=20, blank=True, help_text="The content language of a page's words."
    )
    translation_key = models.UUIDField(null=True, blank=True)
    title = models.CharField(max_length=255, help_text="The title as written.")
    folded_title = models.CharField(max_length=255)
    folded_body = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Plain text as written, for snippets.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="searchdocument_unique_object"
            ),
        ]
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["translation_key", "language"]),
        ]

    def __str__(self):
        return self.title


# --- Outbox (academy/outbox.py) ---------------------------------------------------------------------


class OutboxTask(models.Model):
    """A Celery task that a committed change needs, recorded in that change's own transaction.

    Written by `academy.outbox.enqueue`, sent to the broker after commit, and re-sent by the relay
    until the broker has it: a broker outage delays follow-up work, never loses it.
    """

    task = models.CharField(
        pgettext_lazy("background job", "task"), max_length=200, help_text="The Celery task's name."
    )
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created"), default=timezone.now)
    available_at = models.DateTimeField(
        _("next attempt"), default=timezone.now, help_text="The relay leaves it alone until then."
    )
    claimed_until = models.DateTimeField(
        _("claimed until"),
        null=True,
        blank=True,
        help_text="A process is sending it; another may take it over once this has passed.",
    )
    sent_at = models.DateTimeField(pgettext_lazy("timestamp", "sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(
        pgettext_lazy("delivery attempts", "attempts"), default=0
    )
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox task")
        verbose_name_plural = _("outbox tasks")
        indexes = [
            # The relay's and /healthz's question: which unsent rows are due, oldest first.
            models.Index(
                fields=["available_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent_by_due",
            ),
            models.Index(fields=["sent_at"], name="outbox_by_sent"),
        ]

    def __str__(self):
        return f"{self.task} #{self.pk}"

    def state_display(self) -> str:
        return _("Sent") if self.sent_at else _("Not sent yet")

    @property
    def celery_task_id(self) -> str:
        # Every publication of one row carries the same id, so a duplicate is recognisable.
        return f"outbox-{self.pk}"


class OutgoingMail(models.Model):
    """One e-mail the academy sends, under a key that names it ("welcome:user:12"): the ledger
    `academy.mail.send_once` claims before sending and marks afterwards, so each goes once.

    A key marked sent is never sent again; a claim older than the lease belongs to a sender that
    died and may be taken over; a failed send is released for the task's retry, which drops it
    when the mail is no longer due (a waitlist mail for a seat confirmed meanwhile).
    """

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, to be retried")
        DROPPED = "dropped", _("Not sent: no longer due")

    key = models.CharField(pgettext_lazy("e-mail record", "key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    recipients = models.TextField(_("recipients"), blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(
        _("claimed"),
        null=True,
        blank=True,
        help_text="When the current sender took it; another may take it over after the lease.",
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(
        pgettext_lazy("delivery attempts", "attempts"), default=0
    )
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["sent_at"], name="outgoing_mail_by_sent")]

    def __str__(self):
        return self.key


# --- Privacy notice and consents (academy/privacy.py) ---------------------------------------------

from .data_rights import ClosureRequest, DataExport  # noqa: E402, F401  (issue 20: My data)
from .privacy_models import ConsentRecord, PrivacyNotice, RetentionRun  # noqa: E402, F401
