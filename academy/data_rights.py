"""A person's rights over their data: the downloads of "My data" and the closing of an account.

Models only (imported by academy.models); the rules are in academy/my_data.py and
academy/closure.py, and what each app holds about a person in academy/personal_data.py.
Neither row names the person beyond its user link: after a closure the user row itself is
anonymised, and the step log says what was done in counts, never whose data it was.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_token() -> str:
    return secrets.token_urlsafe(32)


def private_storage():
    # Exports never go to the public media storage: the "private" storage is served only through
    # the permission-checked view (my_data_views.download_export).
    from django.core.files.storage import storages

    return storages["private"]


class DataExport(models.Model):
    """One download of a person's data: requested, built by a task, e-mailed once, expired."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Being prepared")
        READY = "ready", _("Ready to download")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Could not be prepared")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    file = models.FileField(
        pgettext_lazy("personal data download", "file"),
        storage=private_storage,
        upload_to="exports/",
        blank=True,
        max_length=255,
    )
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        indexes = [models.Index(fields=["status", "expires_at"], name="dataexport_expiry")]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class ClosureRequest(models.Model):
    """A person's request to close their account (注销), and the record of how it was carried out.

    requested (password checked) → confirmed (the e-mailed link) → after the cooling-off period,
    closed by the daily job; cancellable until then. `steps` is the log of what the closure did,
    one line per step, in counts only.
    """

    class Status(models.TextChoices):
        AWAITING_EMAIL = "awaiting_email", _("Waiting for the e-mail confirmation")
        SCHEDULED = "scheduled", _("Confirmed, waiting for the cooling-off period")
        CANCELLED = "cancelled", pgettext_lazy("account closure", "Cancelled")
        CLOSED = "closed", _("Account closed")

    OPEN = (Status.AWAITING_EMAIL, Status.SCHEDULED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="closure_requests",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_EMAIL
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed by e-mail"), null=True, blank=True)
    close_after = models.DateTimeField(_("closes after"), null=True, blank=True)
    cancelled_at = models.DateTimeField(
        pgettext_lazy("account closure", "cancelled"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Staff who asked or carried it out on the person's behalf (also in Wagtail's log).
    acting_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf, by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    steps = models.JSONField(_("steps"), default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("account closure request")
        verbose_name_plural = _("account closure requests")
        permissions = [("process_closure", _("Can close accounts on a person's behalf"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["awaiting_email", "scheduled"]),
                name="closurerequest_one_open_per_person",
            )
        ]
        indexes = [models.Index(fields=["status", "close_after"], name="closure_due")]

    def __str__(self):
        # Never the person's name: Wagtail's log keeps this label after the name is erased.
        return f"{self._meta.verbose_name} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
