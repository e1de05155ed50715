"""The showcase's e-mails, each sent once (academy.mail.send_once): an enquiry to the provider's
admins, its copy to the merchant, and the introduction of two companies' admins."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from academy import mail
from academy.models import Membership
from academy.script import render_text

from . import services
from .models import Enquiry, PartnerResponse


def _site(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _admin_emails(provider_id: int) -> list[str]:
    admins: QuerySet = Membership.objects.filter(
        provider_id=provider_id, role=Membership.Role.ADMIN
    ).select_related("user")
    return sorted({m.user.email for m in admins if m.user.email and m.user.is_active})


def _message(template: str, context: dict, language: str, to: list[str], **kwargs) -> EmailMessage:
    return EmailMessage(
        render_text(f"showcase/email/{template}_subject.txt", context, language).strip(),
        render_text(f"showcase/email/{template}_body.txt", context, language),
        to=to,
        **kwargs,
    )


def email_enquiry_to_admins(enquiry_id: int) -> bool:
    def compose():
        enquiry = (
            Enquiry.objects.select_for_update(of=("self",))
            .select_related("provider", "industry")
            .filter(pk=enquiry_id, admins_notified_at__isnull=True, anonymised_at__isnull=True)
            .first()
        )
        if enquiry is None:
            return None
        to = _admin_emails(enquiry.provider_id)
        if not to:
            return []
        context = {
            "enquiry": enquiry,
            "url": _site(reverse("showcase:team_enquiry", args=[enquiry.pk])),
        }
        reply_to = [enquiry.email] if enquiry.email else None
        return _message("enquiry_admins", context, settings.LANGUAGE_CODE, to, reply_to=reply_to)

    return mail.send_once(
        f"showcase:enquiry:{enquiry_id}:admins",
        kind="showcase-enquiry",
        compose=compose,
        mark_sent=lambda: Enquiry.objects.filter(pk=enquiry_id).update(
            admins_notified_at=timezone.now()
        ),
    )


def email_enquiry_copy(enquiry_id: int) -> bool:
    def compose():
        enquiry = (
            Enquiry.objects.select_for_update(of=("self",))
            .select_related("provider", "industry")
            .filter(pk=enquiry_id, merchant_copied_at__isnull=True, anonymised_at__isnull=True)
            .exclude(email="")
            .first()
        )
        if enquiry is None:
            return None
        language = enquiry.language or settings.LANGUAGE_CODE
        context = {
            "enquiry": enquiry,
            "retention_months": services.retention_months(),
        }
        return _message("enquiry_copy", context, language, [enquiry.email])

    return mail.send_once(
        f"showcase:enquiry:{enquiry_id}:copy",
        kind="showcase-enquiry-copy",
        compose=compose,
        mark_sent=lambda: Enquiry.objects.filter(pk=enquiry_id).update(
            merchant_copied_at=timezone.now()
        ),
    )


def email_introduction(response_id: int) -> bool:
    """One e-mail to both companies' admins, each able to reply to all."""

    def compose():
        response = (
            PartnerResponse.objects.select_for_update(of=("self",))
            .select_related("need__provider", "provider", "created_by")
            .filter(pk=response_id, introduced_at__isnull=True)
            .first()
        )
        if response is None:
            return None
        to = sorted(
            set(_admin_emails(response.need.provider_id)) | set(_admin_emails(response.provider_id))
        )
        if not to:
            return []
        context = {
            "response": response,
            "need": response.need,
            "url": _site(reverse("showcase:team_need", args=[response.need_id])),
        }
        return _message("introduction", context, settings.LANGUAGE_CODE, to)

    return mail.send_once(
        f"showcase:partner-response:{response_id}:introduction",
        kind="showcase-introduction",
        compose=compose,
        mark_sent=lambda: PartnerResponse.objects.filter(pk=response_id).update(
            introduced_at=timezone.now()
        ),
    )
