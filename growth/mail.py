"""The invitation e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

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
    send_mail(
        render_to_string("growth/email/invitation_subject.txt", context).strip(),
        render_to_string("growth/email/invitation_body.txt", context),
        None,
        [invitation.email],
    )
    return True
