"""Accept a pending invitation, or join through the company's join link, when the person signs
up or logs in (the link stored the token in the session when they were still anonymous)."""

from allauth.account.signals import user_logged_in, user_signed_up
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .services import GrowthError, team


def _accept_pending(request, user) -> None:
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.pop("growth_invitation_token", None)
    link_token = request.session.pop("growth_join_link_token", None)
    if not token and not link_token:
        return
    try:
        if token:
            membership = team.accept_invitation(token, user)
        else:
            membership = team.join_by_link(link_token, user)
    except GrowthError as error:
        messages.error(request, error.message)
        return
    messages.success(request, _("Welcome to %(company)s.") % {"company": membership.provider.name})


@receiver(user_signed_up, dispatch_uid="growth_accept_on_signup")
def accept_on_signup(request, user, **kwargs):
    _accept_pending(request, user)


@receiver(user_logged_in, dispatch_uid="growth_accept_on_login")
def accept_on_login(request, user, **kwargs):
    _accept_pending(request, user)
