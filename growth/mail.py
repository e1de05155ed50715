"""The invitation e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from academy.script import render_text

from .models import Invitation


def invitation_url(invitation: Invitation) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("growth:join", args=[invitation.token])


def send_invitation(invitation_id: int) -> bool:
    invitation = (
        Invitation.objects.select_related("provider", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_open:
        return False
    context = {"invitation": invitation, "url": invitation_url(invitation)}
    # Nothing records the invitee's language yet: the site's default, like the join page.
    language = settings.LANGUAGE_CODE
    send_mail(
        render_text("growth/email/invitation_subject.txt", context, language).strip(),
        render_text("growth/email/invitation_body.txt", context, language),
        None,
        [invitation.email],
    )
    return True
