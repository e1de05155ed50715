"""Programmes and certificates.

The fields below are the contract other parts read (growth's reports and team dashboard, the
lecturer directory): keep their names; add requirements, versions and the audit log around them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
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

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.title


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")
        SUPERSEDED = "superseded", _("superseded")

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

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self):
        return f"{self.serial} · {self.holder} · {self.programme}"
