"""academy's own kinds of personal data (academy/personal_data.py): the profile and sign-in
records, the company, the lecturer profile and the e-mails sent."""

from __future__ import annotations

import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import personal_data
from .models import DataExport, JoinRequest, LecturerProfile, Membership, OutgoingMail

Role = Membership.Role


@personal_data.register
class Profile(personal_data.Section):
    key = "profile"
    title = gettext_lazy("Profile and sign-in")
    order = 10
    # Last of all: the other sections still find the person by their e-mail address.
    erase_order = 1000

    def collect(self, user):
        from allauth.account.models import EmailAddress
        from allauth.socialaccount.models import SocialAccount

        from .services import profile_language

        addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        return [
            {
                "e-mail": user.email,
                "display name": user.display_name,
                "first name": user.first_name,
                "last name": user.last_name,
                "language": profile_language(user),
                "joined": user.date_joined,
                "last sign-in": user.last_login,
                "e-mail addresses": "; ".join(
                    f"{a.email} ({_('verified') if a.verified else _('not verified')})"
                    for a in addresses
                ),
                "social accounts": "; ".join(
                    f"{a.provider}:{a.uid}" for a in SocialAccount.objects.filter(user=user)
                ),
            }
        ]

    def erase(self, user, *, log):
        from allauth.account.models import EmailAddress
        from allauth.socialaccount.models import SocialAccount
        from wagtail.users.models import UserProfile

        log("e-mail addresses deleted", EmailAddress.objects.filter(user=user).delete()[0])
        log("social accounts deleted", SocialAccount.objects.filter(user=user).delete()[0])
        log("profile settings deleted", UserProfile.objects.filter(user=user).delete()[0])
        log("sessions ended", _end_sessions(user))
        # The row stays, nameless, so that attempts, progress and attendance count on as
        # anonymous statistics; nothing links it to the person any more.
        token = secrets.token_hex(8)
        user.email = f"closed-{token}@closed.invalid"
        user.username = f"closed-{token}"
        user.display_name = user.first_name = user.last_name = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        log("user row anonymised", 1)


DATABASE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


def _end_sessions(user) -> int:
    """Delete the person's database sessions, and their cached copies (a session only in a cache
    dies anyway: the unusable password changes the session hash Django checks on every request)."""
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0
    mine = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in mine:
        store(key).delete()  # cached_db: the cache entry and the row
    return len(mine)


@personal_data.register
class Company(personal_data.Section):
    key = "company"
    title = gettext_lazy("Company membership and requests to join")
    order = 20
    erase_order = 400

    def collect(self, user):
        rows = [
            {
                "record": _("membership"),
                "company": m.provider.name,
                "role": m.get_role_display(),
                "since": m.joined_at,
                "status": "",
                "reason": "",
            }
            for m in Membership.objects.filter(user=user).select_related("provider")
        ]
        rows += [
            {
                "record": _("request to join"),
                "company": r.provider.name,
                "role": "",
                "since": r.created_at,
                "status": r.get_status_display(),
                "reason": r.decline_reason,
            }
            for r in JoinRequest.objects.filter(user=user).select_related("provider")
        ]
        return rows

    def closure_refusal(self, user):
        membership = Membership.objects.filter(user=user, role=Role.ADMIN).first()
        if membership is None or _other_admins(membership).exists():
            return None
        if (
            not Membership.objects.filter(provider_id=membership.provider_id)
            .exclude(user=user)
            .exists()
        ):
            return None
        return _(
            "You are the last administrator of %(company)s. Make another member its administrator "
            "on the team page first, so the company is not left without one."
        ) % {"company": membership.provider.name}

    def erase(self, user, *, log):
        # Same lock as growth's team services (the company's memberships, in pk order): the
        # "at least one administrator" invariant is counted under it.
        membership = Membership.objects.filter(user=user).first()
        if membership is not None:
            team = list(
                Membership.objects.select_for_update()
                .filter(provider_id=membership.provider_id)
                .order_by("pk")
            )
            others = [m for m in team if m.user_id != user.pk]
            admins = [m for m in others if m.role == Role.ADMIN]
            if membership.role == Role.ADMIN and others and not admins:
                # Someone joined during the cooling-off period: the closure cannot wait for the
                # company, so its longest-standing member takes over (documented in the README).
                heir = min(others, key=lambda m: (m.joined_at, m.pk))
                heir.role = Role.ADMIN
                heir.save(update_fields=["role"])
                log("longest-standing member made administrator", 1)
            membership.delete()
            log("company membership removed", 1)
        log("requests to join deleted", JoinRequest.objects.filter(user=user).delete()[0])


def _other_admins(membership: Membership):
    return Membership.objects.filter(provider_id=membership.provider_id, role=Role.ADMIN).exclude(
        pk=membership.pk
    )


@personal_data.register
class Lecturer(personal_data.Section):
    key = "lecturer_profile"
    title = gettext_lazy("Lecturer profile")
    order = 25
    erase_order = 400

    def collect(self, user):
        return [
            {
                "biography": p.bio,
                "city": p.city,
                "specialties": p.specialties,
                "listed in the directory": p.listed,
                "photo": p.photo.file.name if p.photo else "",
                "topics authorised to teach": ", ".join(p.authorised_topics),
                "created": p.created_at,
            }
            for p in LecturerProfile.objects.filter(user=user).select_related("photo")
        ]

    def erase(self, user, *, log):
        from wagtail.images import get_image_model

        profile = LecturerProfile.objects.filter(user=user).first()
        if profile is None:
            return
        # Earlier photos stay in the image library under "Lecturer photo: <name>" titles.
        named = Q()
        for name in filter(None, {user.display_name, user.email}):
            named |= Q(title__endswith=f": {name}") | Q(title__endswith=f"：{name}")
        photos = get_image_model().objects.filter(named | Q(pk=profile.photo_id))
        deleted = 0
        for photo in photos:  # one by one: each deletes its file and renditions
            photo.delete()
            deleted += 1
        log("lecturer photos deleted", deleted)
        profile.delete()
        log("lecturer profile deleted", 1)


@personal_data.register
class EmailsSent(personal_data.Section):
    key = "emails_sent"
    title = gettext_lazy("E-mails sent to you")
    order = 90
    # After every step that could still write to the ledger, before the address is gone.
    erase_order = 900

    def mails(self, user) -> list[OutgoingMail]:
        # Every address the person has used (a changed address keeps its old mails), matched
        # as whole addresses: the ledger keeps them as one line.
        from allauth.account.models import EmailAddress

        addresses = {user.email.lower()} | {
            a.lower()
            for a in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        }
        candidates = Q()
        for address in addresses:
            candidates |= Q(recipients__icontains=address)
        return [
            m
            for m in OutgoingMail.objects.filter(candidates).order_by("created_at", "pk")
            if addresses & {a.strip().lower() for a in m.recipients.split(",")}
        ]

    def collect(self, user):
        return [
            {
                "kind": m.kind,
                "subject": m.subject,
                "status": m.get_status_display(),
                "created": m.created_at,
                "sent": m.sent_at,
            }
            for m in self.mails(user)
        ]

    def erase(self, user, *, log):
        # The key stays (it still stops a mail going twice); the addresses and subject go.
        pks = [m.pk for m in self.mails(user)]
        log(
            "e-mail records made anonymous",
            OutgoingMail.objects.filter(pk__in=pks).update(recipients="", subject=""),
        )


@personal_data.register
class Downloads(personal_data.Section):
    key = "data_downloads"
    title = gettext_lazy("Downloads of your data")
    order = 95
    erase_order = 800

    def collect(self, user):
        return [
            {
                "requested": e.requested_at,
                "status": e.get_status_display(),
                "ready": e.ready_at,
                "expires": e.expires_at,
            }
            for e in DataExport.objects.filter(user=user).order_by("requested_at", "pk")
        ]

    def erase(self, user, *, log):
        from .my_data import delete_exports

        log("downloads and their files deleted", delete_exports(user))


@personal_data.register
class Consents(personal_data.Section):
    key = "consents"
    title = gettext_lazy("Consents")
    order = 15
    erase_order = 500

    def collect(self, user):
        from .models import ConsentRecord

        return [
            {
                "consent": str(record.get_kind_display()),
                "given": record.granted,
                "privacy notice version": record.notice_version,
                "where": str(record.get_source_display()),
                "when": record.at,
            }
            for record in ConsentRecord.objects.filter(user=user).order_by("at", "pk")
        ]

    def erase(self, user, *, log):
        # The history holds no name or address, only choices and dates: kept as the proof of
        # what the person agreed to, tied to the anonymised account.
        from .models import ConsentRecord

        log("consent history kept without names", ConsentRecord.objects.filter(user=user).count())
