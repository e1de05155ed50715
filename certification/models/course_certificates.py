"""Course certificates: what finishing a course awards (when the course says so).

The same registry as lecturer certificates (serials from one namespace, the same signed-PDF
pipeline and verification page), with fewer states: a course certificate never expires, is never
renewed or reissued, and an officer can only revoke it. One per holder and course, held by the
database (`course_certificate_one_per_course`): issuing twice finds the first.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseCertificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="course_certificates",
    )
    # PROTECT: a course with certificates out there is unpublished, not deleted.
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    serial = models.CharField(_("serial"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VALID
    )
    issued_at = models.DateTimeField(_("issued"))
    completed_at = models.DateTimeField(_("course completed"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    holder_name = models.CharField(_("name on the certificate"), max_length=120)
    # The course's title when issued: the PDF and the verification page keep saying what was
    # completed even if the course is renamed later.
    course_title = models.CharField(_("course title"), max_length=255)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    pdf = models.FileField(_("signed PDF"), upload_to="certificates/courses/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, blank=True)

    # What the shared verification templates read of a lecturer certificate.
    expires_at = None
    version = 1
    superseded_by = None
    superseded_by_id = None
    earlier_pdf_sha256: list = []
    is_course = True

    class Meta:
        verbose_name = _("course certificate")
        verbose_name_plural = _("course certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "course"], name="course_certificate_one_per_course"
            )
        ]

    def __str__(self):
        return f"{self.serial} · {self.holder} · {self.course_title}"

    @property
    def public_holder_name(self) -> str:
        return self.holder_name
