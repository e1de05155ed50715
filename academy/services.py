"""State changes for providers and people. Each function is one user intention, one transaction."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import GrowthStage, Membership, Provider, User


class AlreadyInCompany(Exception):
    """The user already belongs to a provider; one company per user."""


@transaction.atomic
def join_provider(user: User, provider: Provider, role: str = Membership.Role.MEMBER) -> Membership:
    """Make `user` a member of `provider`."""
    if Membership.objects.filter(user=user).exists():
        raise AlreadyInCompany(user)
    return Membership.objects.create(user=user, provider=provider, role=role)


@transaction.atomic
def create_provider(user: User, name: str, city: str = "") -> Membership:
    """Register a new provider company with `user` as its first administrator.

    Two people registering the same company name at once: the unique name makes the second a
    member of the company the first created, rather than an error.
    """
    try:
        with transaction.atomic():
            provider = Provider.objects.create(
                name=name.strip(), city=city.strip(), growth_stage=GrowthStage.CREATE
            )
        role = Membership.Role.ADMIN
    except IntegrityError:
        provider = Provider.objects.get(name=name.strip())
        role = Membership.Role.MEMBER
    return join_provider(user, provider, role)


def send_welcome_email(user_id: int, language: str | None = None) -> bool:
    """Send the welcome e-mail once; returns False when it had already gone (task re-runs)."""
    with transaction.atomic():
        # The row lock makes two workers running the same task agree on who sends.
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("academy_membership__provider")
            .get(pk=user_id)
        )
        if user.welcomed_at is not None:
            return False
        language = language or settings.LANGUAGE_CODE
        prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        with translation.override(language):
            context = {
                "user": user,
                "membership": user.membership,
                "site_url": settings.WAGTAILADMIN_BASE_URL + prefix,
            }
            subject = render_to_string("academy/email/welcome_subject.txt", context).strip()
            body = render_to_string("academy/email/welcome_message.txt", context)
        message = EmailMultiAlternatives(subject, body, to=[user.email])
        user.welcomed_at = timezone.now()
        user.save(update_fields=["welcomed_at"])
        # Sent inside the transaction: if the mail server refuses, welcomed_at rolls back and a
        # retry sends it; a crash after sending but before commit may send it twice, never zero.
        message.send()
    return True
