"""Programmes and certificates.

The fields below are the contract other parts read (growth's reports and team dashboard, the
lecturer directory): keep their names; add requirements, versions and the audit log around them.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class Programme(ClusterableModel):
    class Level(models.TextChoices):
        ASSOCIATE = "associate", _("associate")
        CERTIFIED = "certified", _("certified")
        SENIOR = "senior", _("senior")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.CERTIFIED
    )
    validity_months = models.PositiveSmallIntegerField(_("validity (months)"), default=24)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    renewal_window_days = models.PositiveSmallIntegerField(
        _("renewal window (days)"),
        default=90,
        help_text=_(
            "How many days before expiry a holder who again meets every requirement is renewed "
            "into a new cycle."
        ),
    )
    topics = models.CharField(
        _("topics authorised to teach"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated; written onto the holder's lecturer record while valid."),
    )
    is_active = models.BooleanField(_("open to candidates"), default=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldPanel("slug"),
        FieldPanel("level"),
        FieldPanel("description"),
        FieldPanel("validity_months"),
        FieldPanel("renewal_window_days"),
        FieldPanel("topics"),
        FieldPanel("is_active"),
        InlinePanel("requirements", label=_("Requirements")),
    ]

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.title

    @property
    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.replace("，", ",").split(",") if t.strip()]


class Requirement(models.Model):
    """One condition of a programme. Requirements in the same group are alternatives (OR);
    the groups must all hold (AND) — a rule in conjunctive normal form, which is what officers
    write: "the course AND (the exam OR the senior exam) AND 3 sessions taught"."""

    class Kind(models.TextChoices):
        COURSE_COMPLETED = "course", _("course completed")
        COURSE_CERTIFICATE = "course_certificate", _("course certificate held")
        EXAM_PASSED = "exam", _("exam passed")
        EVENTS_ATTENDED = "events_attended", _("events attended")
        SESSIONS_TAUGHT = "sessions_taught", _("sessions taught as lecturer")
        RATING = "rating", _("average attendee rating")
        OFFICER_APPROVAL = "approval", _("officer approval")
        ACCEPTED_ANSWERS = "accepted_answers", _("learners' questions answered (accepted)")

    programme = ParentalKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("programme"),
    )
    group = models.PositiveSmallIntegerField(
        pgettext_lazy("requirement group", "group"),
        default=1,
        help_text=_("Requirements sharing a group number are alternatives (any one is enough)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exam = models.ForeignKey(
        "certification.Exam",
        verbose_name=_("exam"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_score = models.DecimalField(
        _("minimum score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    count = models.PositiveSmallIntegerField(_("how many"), default=1)
    event_kind = models.CharField(
        _("kind of event"), max_length=30, blank=True, help_text=_("Empty: any kind.")
    )
    min_rating = models.DecimalField(
        _("minimum average rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)

    panels = [
        FieldPanel("group"),
        FieldPanel("kind"),
        FieldPanel("course"),
        FieldPanel("exam"),
        FieldPanel("min_score"),
        FieldPanel("count"),
        FieldPanel("event_kind"),
        FieldPanel("min_rating"),
    ]

    class Meta:
        ordering = ["group", "sort_order", "pk"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self):
        return f"{self.get_kind_display()} (#{self.group})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind in (self.Kind.COURSE_COMPLETED, self.Kind.COURSE_CERTIFICATE) and not (
            self.course_id
        ):
            raise ValidationError({"course": _("Choose the course.")})
        if self.kind == self.Kind.EXAM_PASSED and not self.exam_id:
            raise ValidationError({"exam": _("Choose the exam.")})
        if self.kind == self.Kind.RATING and self.min_rating is None:
            raise ValidationError({"min_rating": _("Give the minimum average rating.")})


def _new_salt() -> str:
    return secrets.token_hex(16)


# Lower-case letters and digits without look-alikes (0/o, 1/l/i): read aloud or typed from a
# screenshot without mistakes. 12 of 31 symbols: about 2^59, not guessable or enumerable.
PAGE_SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PAGE_SLUG_LENGTH = 12


def new_page_slug() -> str:
    return "".join(secrets.choice(PAGE_SLUG_ALPHABET) for _ in range(PAGE_SLUG_LENGTH))


class Recipient(models.Model):
    """How Open Badges credentials name a holder without personal data: an opaque subject id
    (`urn:uuid:…`) and the salt of their hashed e-mail address. One per holder, kept across
    reissues and renewals, so every credential of a person names the same subject."""

    holder = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.CASCADE,
        related_name="credential_recipient",
    )
    subject_uuid = models.UUIDField(
        _("subject id"), unique=True, default=uuid.uuid4, editable=False
    )
    salt = models.CharField(_("salt"), max_length=32, default=_new_salt, editable=False)
    # The address of the holder's public credentials page (/credentials/<slug>/): random, so the
    # page cannot be found from a user id or an e-mail address, and unrelated to the subject id,
    # so a credential does not lead to the page either. Filled on save (existing rows by 0012).
    page_slug = models.CharField(
        _("public page address"), max_length=20, unique=True, null=True, editable=False
    )

    class Meta:
        verbose_name = _("credential recipient")
        verbose_name_plural = _("credential recipients")

    def __str__(self):
        return self.subject_id

    def save(self, *args, **kwargs):
        if not self.page_slug:
            self.page_slug = new_page_slug()
        super().save(*args, **kwargs)

    @property
    def subject_id(self) -> str:
        return f"urn:uuid:{self.subject_uuid}"


class StatusList(models.Model):
    """One W3C Bitstring Status List (purpose: revocation), published at /verify/status/<pk>.

    It has the spec's minimum of 131,072 bits so that fetching it does not tell the issuer which
    credential a verifier checks. Positions are drawn at random (the spec's advice: no guessing
    order or group size from a position) until half the list is taken; then a new list opens, so
    a draw rarely needs a second try.
    """

    SIZE = 131_072
    CAPACITY = SIZE // 2

    allocated = models.PositiveIntegerField(_("positions taken"), default=0)
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created"), auto_now_add=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")

    def __str__(self):
        return f"#{self.pk} ({self.allocated}/{self.SIZE})"


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")
        SUPERSEDED = "superseded", _("superseded")

    class Origin(models.TextChoices):
        AUTOMATIC = "automatic", _("requirements met")
        MANUAL = "manual", _("awarded by an officer")
        BULK = "bulk", _("bulk issue")
        REISSUE = "reissue", _("reissued")
        RENEWAL = "renewal", _("renewal")

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    serial = models.CharField(_("serial"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VALID
    )
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # A cycle is one certification period: renewal starts cycle n+1; a reissue (name
    # correction) keeps the cycle and bumps the version.
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    holder_name = models.CharField(_("name on the certificate"), max_length=120, default="")
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.AUTOMATIC
    )
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    pdf = models.FileField(_("signed PDF"), upload_to="certificates/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, blank=True)
    # The holder's language when issued (their profile's): the PDF and the credential are
    # written in its script. A holder may have it redrawn in another (same serial); the files
    # issued before stay genuine, so their digests are kept for the verifier.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    earlier_pdf_sha256 = models.JSONField(default=list, blank=True, editable=False)
    # Days-before-expiry reminders already sent (60, 30, 7), so the daily job sends each once.
    reminders_sent = models.JSONField(default=list, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # Its bit in a Bitstring Status List: the Open Badges credential's `credentialStatus`.
    status_list = models.ForeignKey(
        StatusList,
        verbose_name=_("status list"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    status_index = models.PositiveIntegerField(
        _("position in the status list"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [
            ("award_certificate", _("Can award, issue in bulk and reissue certificates")),
            ("revoke_certificate", _("Can revoke certificates")),
        ]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["status", "expires_at"], name="certificate_status_expiry"),
        ]
        constraints = [
            # The invariant issuing relies on: two workers issuing the same cycle at once collide
            # here, and the loser reads the winner's row.
            models.UniqueConstraint(
                fields=["holder", "programme", "cycle"],
                condition=~Q(status="superseded"),
                name="certificate_one_current_per_cycle",
            ),
            models.UniqueConstraint(
                fields=["holder", "programme", "cycle", "version"],
                name="certificate_version_unique",
            ),
            # Each certificate has a bit of its own: revoking one flips no other.
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="certificate_status_entry_unique"
            ),
        ]

    def __str__(self):
        return f"{self.serial} · {self.holder} · {self.programme}"

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.VALID

    @property
    def public_holder_name(self) -> str:
        """The name the public pages and the credential show. Certificates issued before a name
        was required may carry the e-mail address instead: never show that."""
        return "" if "@" in self.holder_name else self.holder_name


class ApprovalApplication(models.Model):
    """A candidate's request for the "officer approval" requirement, reviewed with notes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="certification_applications",
    )
    # PROTECT: an officer's decision on an application is part of the programme's record.
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    statement = models.TextField(_("statement"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    notes = models.TextField(_("reviewer's notes"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval application")
        verbose_name_plural = _("approval applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "programme"], name="approval_application_unique"
            )
        ]

    def __str__(self):
        return f"{self.applicant} · {self.programme}"


class AuditEntry(models.Model):
    """Every officer action and every issue, in order; never edited."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("issued")
        AWARDED = "awarded", _("awarded manually")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")
        REISSUED = "reissued", _("reissued")
        RENEWED = "renewed", _("renewed")
        APPROVED = "approved", _("application approved")
        REJECTED = "rejected", _("application rejected")
        BULK = "bulk", _("bulk issue")
        REMINDED = "reminded", _("expiry reminder sent")
        AWAITING_NAME = "awaiting_name", _("waiting for the holder's name")
        REDRAWN = "redrawn", _("redrawn in another language")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # PROTECT both: what the audit log describes cannot be deleted from under it.
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), null=True, on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("certificate history", "person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class BulkIssue(models.Model):
    """An officer's batch: progress is read by the admin's progress bar."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    holder_ids = models.JSONField(default=list)
    done = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk issue")
        verbose_name_plural = _("bulk issues")

    def __str__(self):
        return f"{self.programme} · {self.done}/{self.total}"

    @property
    def total(self) -> int:
        return len(self.holder_ids)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@register_setting(icon="doc-full")
class CertificateSettings(BaseGenericSetting):
    """What officers configure on the printed certificate."""

    issuer_name = models.CharField(
        _("issuer"), max_length=120, default="服务商学院 Provider Academy"
    )
    signatory_name = models.CharField(_("signatory"), max_length=80, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=80, blank=True)
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seal_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("seal image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("issuer_name"),
        FieldPanel("signatory_name"),
        FieldPanel("signatory_title"),
        FieldPanel("signature_image"),
        FieldPanel("seal_image"),
    ]

    class Meta:
        verbose_name = _("certificate settings")
