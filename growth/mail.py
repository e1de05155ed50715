"""The invitation e-mail."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from academy import mail
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
