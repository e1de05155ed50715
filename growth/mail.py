"""The invitation e-mail and the assignment reminders."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from academy import mail
from academy.models import Membership
from academy.script import render_text
from academy.site_url import absolute_url

from .models import Invitation


def invitation_url(invitation: Invitation) -> str:
    return absolute_url(reverse("growth:join", args=[invitation.token]))


def send_invitation(invitation_id: int) -> bool:
    """E-mail the invitation link once per invite; False when it is no longer open.

    Re-inviting an open address renews the expiry and sends again: the expiry is in the key, so
    each invite goes once (a task run twice, or two invites before the task ran, send one)."""
    invitation = (
        Invitation.objects.select_related("provider", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None:
        return False

    def compose() -> EmailMessage | None:
        current = (
            Invitation.objects.select_related("provider", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if current is None or not current.is_open or current.expires_at != invitation.expires_at:
            return None
        context = {"invitation": current, "url": invitation_url(current)}
        # Nothing records the invitee's language yet: the site's default, like the join page.
        language = settings.LANGUAGE_CODE
        return EmailMessage(
            render_text("growth/email/invitation_subject.txt", context, language).strip(),
            render_text("growth/email/invitation_body.txt", context, language),
            to=[current.email],
        )

    return mail.send_once(
        f"invitation:{invitation_id}:{invitation.expires_at.timestamp():.0f}",
        kind="invitation",
        compose=compose,
    )


def send_assignment_reminder(assignment_id: int, user_id: int, kind: str) -> bool:
    """Remind a member of an assignment due soon ("due-soon") or today ("due"), once per
    assignment, member and kind. Not sent when, by the time the task runs, the assignment was
    cancelled, the member left the team, finished it, or the day no longer calls for that
    reminder."""
    from django.utils import timezone

    from academy.services import profile_language
    from academy.templatetags.academy_tags import path_in_language

    from .learning import team_learning
    from .services import assignments as rules

    def compose() -> EmailMessage | None:
        assignment = rules.open_assignments(pk=assignment_id).first()
        membership = (
            Membership.objects.select_related("user", "provider").filter(user_id=user_id).first()
        )
        if assignment is None or membership is None:
            return None
        if not rules.applies_to(assignment, membership):
            return None
        today = timezone.localdate()
        learning = team_learning([user_id], rules.courses_of(assignment))
        standing = rules.member_assignment(assignment, membership, learning, today)
        if standing.is_done or rules.reminder_kind(standing.due, today) != kind:
            return None
        language = profile_language(membership.user)
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        context = {
            "standing": standing,
            "subject": assignment.subject,
            "company": membership.provider.name,
            "kind": kind,
            "url": base + path_in_language(reverse("my_academy"), language),
        }
        return EmailMessage(
            " ".join(render_text("growth/email/assignment_subject.txt", context, language).split()),
            render_text("growth/email/assignment_body.txt", context, language),
            to=[membership.user.email],
        )

    return mail.send_once(
        rules.reminder_key(assignment_id, user_id, kind),
        kind=f"assignment-{kind}",
        compose=compose,
    )
