"""A provider's team beyond its memberships: learning assigned by a date, removals kept for an
undo, and the company-wide join link. Imported by growth/models.py (Django finds models there).

Assignments to the whole team (`user` empty) cover whoever is a member when the page is read or
the reminder goes, so people who join later get them too. A member who joined after the
assignment was made is given at least `GROWTH_JOINER_GRACE_DAYS` (14) from their joining day:
nobody starts out overdue (services/assignments.py `due_for`).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academy.models import Membership, Provider


def join_link_expiry():
    return timezone.now() + timedelta(days=getattr(settings, "GROWTH_JOIN_LINK_DAYS", 7))


def new_link_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class Assignment(models.Model):
    """A course or a learning path a provider admin asks a member (or the whole team) to finish
    by a date."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="learning_assignments",
        help_text=_("Empty: the whole team, including people who join later."),
    )
    # PROTECT: a course with assignments is unpublished, never deleted (like enrolments).
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    path = models.ForeignKey(
        "courses.LearningPath",
        verbose_name=_("learning path"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("learning assignment")
        verbose_name_plural = _("learning assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(course__isnull=False, path__isnull=True)
                    | Q(course__isnull=True, path__isnull=False)
                ),
                name="assignment_course_or_path",
            )
        ]
        indexes = [models.Index(fields=["provider", "due_on"])]

    def __str__(self):
        return f"{self.subject} → {self.user or _('whole team')} ({self.due_on})"

    @property
    def subject(self):
        return self.course or self.path

    @property
    def for_whole_team(self) -> bool:
        return self.user_id is None


class MemberRemoval(models.Model):
    """A member an admin removed, kept so the removal can be undone for a few minutes
    (`GROWTH_UNDO_MINUTES`); restoring gives back the same role and joining date."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="removals",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices)
    joined_at = models.DateTimeField(_("joined"))
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed"), default=timezone.now)
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)

    class Meta:
        ordering = ["-removed_at"]
        verbose_name = _("member removal")
        verbose_name_plural = _("member removals")

    def __str__(self):
        return f"{self.user} ✕ {self.provider}"


class JoinLink(models.Model):
    """The company's one shareable join link: whoever opens it while it is valid joins as a
    member. Regenerating replaces the token (the old link stops working); disabling keeps it
    off until an admin makes a new one."""

    provider = models.OneToOneField(
        Provider,
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="join_link",
    )
    token = models.CharField(max_length=64, unique=True, default=new_link_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=join_link_expiry)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)

    class Meta:
        verbose_name = _("join link")
        verbose_name_plural = _("join links")

    def __str__(self):
        return f"{self.provider} join link"

    @property
    def status(self) -> str:
        if self.disabled_at:
            return "disabled"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
