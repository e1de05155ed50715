"""State changes for providers and people. Each function is one user intention, one transaction.

Membership of a company comes three ways: registering a new company (its first administrator),
an invitation (growth's team services), or a join request an administrator of the company
approves. Nobody becomes a member of an existing company on their own say-so.

Invariant: a person belongs to at most one company and has at most one pending join request.
Every service that gives a person a company or a request locks that person's User row first, so
a request, its approval and an invitation accepted at the same moment are decided one after the
other. Lock order: the user, then the join request (growth's accept_invitation takes the
invitation before the user; nothing here takes an invitation).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import mail, outbox
from .errors import ActionRefused
from .models import (
    GrowthStage,
    JoinRequest,
    LecturerProfile,
    Membership,
    Provider,
    User,
    company_name_key,
)
from .script import render_text
from .site_url import absolute_url, site_url

DECLINE_REASON_MAX = 500
# A declined person may ask the same company again after this long, and ask any one company at
# most REQUESTS_PER_DAY times a day: each request e-mails every administrator, so withdrawing and
# asking again must not become a way to flood their inboxes.
ASK_AGAIN_AFTER_DECLINE = timedelta(days=7)
REQUESTS_PER_DAY = 3
# The session key that is True in the session that began with the person's very first sign-in:
# My academy then greets them with "Welcome", not "Welcome back" (issue 14). Set by
# receivers.remember_first_sign_in.
FIRST_SIGN_IN = "academy_first_sign_in"


class MembershipError(ActionRefused):
    """A membership rule refused the action (one company per person, join requests)."""


class CompanyNameTaken(MembershipError):
    """Registering a company whose name (in any spelling) is already in the academy."""

    def __init__(self, provider: Provider):
        super().__init__(
            _(
                "%(name)s is already in the academy: ask to join it instead, and one of its "
                "administrators will let you in."
            )
            % {"name": provider.name}
        )
        self.provider = provider


def profile_language(user: User) -> str:
    """The language a person reads the academy in: their profile's (Wagtail's UserProfile, the
    one the admin's account settings edit; sign-up records the language they signed up in),
    else the site's default. Certificates are drawn in it."""
    from wagtail.users.models import UserProfile

    language = (
        UserProfile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    )
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def set_profile_language(user: User, language: str) -> None:
    """Record `language` as the person's profile language (a language the site speaks only)."""
    from wagtail.users.models import UserProfile

    if language in dict(settings.LANGUAGES):
        UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": language})


def find_provider(name: str) -> Provider | None:
    """The company whose name matches what a person typed (case, spacing, full-width forms and
    Traditional/Simplified script aside), or None."""
    key = company_name_key(name)
    if not key:
        return None
    return Provider.objects.filter(name_key=key).first()


def lock_person(user: User) -> User:
    """Take the lock every change of a person's company or request starts with (module doc)."""
    return User.objects.select_for_update().get(pk=user.pk)


def close_pending_request(user: User) -> None:
    """The person just joined a company another way (registering one, an accepted invitation):
    their open request has nothing left to decide. Call inside the joining transaction, with the
    person's row locked."""
    JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )


@transaction.atomic
def create_provider(user: User, name: str, city: str = "") -> Membership:
    """Register a new provider company with `user` as its first administrator.

    A name already taken in any spelling raises CompanyNameTaken, also when someone registered
    it a moment ago (the unique matching key decides the race): the caller turns it into a form
    error or a join request, never into a membership.
    """
    lock_person(user)  # one company per person (see the module's invariant)
    if Membership.objects.filter(user=user).exists():
        raise MembershipError(_("You already belong to a company in the academy."))
    name = " ".join(name.split())
    if not name:
        raise MembershipError(_("Enter your company's name."), 400)
    taken = find_provider(name)
    if taken is not None:
        raise CompanyNameTaken(taken)
    try:
        with transaction.atomic():
            provider = Provider.objects.create(
                name=name, city=city.strip(), growth_stage=GrowthStage.CREATE
            )
    except IntegrityError as exc:
        taken = find_provider(name)
        if taken is None:
            raise
        raise CompanyNameTaken(taken) from exc
    close_pending_request(user)
    return Membership.objects.create(user=user, provider=provider, role=Membership.Role.ADMIN)


@transaction.atomic
def request_to_join(user: User, provider: Provider, language: str = "") -> JoinRequest:
    """Ask the company's administrators to let `user` in; they are e-mailed once it is saved.

    Asking the same company again returns the open request (no second e-mail)."""
    from . import tasks

    lock_person(user)  # one company, one open request (see the module's invariant)
    current = Membership.objects.filter(user=user).select_related("provider").first()
    if current is not None:
        if current.provider_id == provider.pk:
            raise MembershipError(_("You are already in %(company)s.") % {"company": provider})
        raise MembershipError(
            _(
                "You already belong to %(company)s. A person can be in one company only; ask "
                "its administrator to remove you first."
            )
            % {"company": current.provider.name}
        )
    pending = (
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING)
        .select_related("provider")
        .first()
    )
    if pending is not None:
        if pending.provider_id == provider.pk:
            return pending
        raise MembershipError(
            _(
                "You already asked to join %(company)s. Withdraw that request first to ask "
                "another company."
            )
            % {"company": pending.provider.name}
        )
    _refuse_too_soon(user, provider)
    join_request = JoinRequest.objects.create(
        user=user, provider=provider, language=(language or "")[:10]
    )
    outbox.enqueue(tasks.notify_join_request, join_request.pk)
    return join_request


def _refuse_too_soon(user: User, provider: Provider) -> None:
    now = timezone.now()
    earlier = JoinRequest.objects.filter(user=user, provider=provider)
    declined = (
        earlier.filter(
            status=JoinRequest.Status.DECLINED, decided_at__gt=now - ASK_AGAIN_AFTER_DECLINE
        )
        .order_by("-decided_at")
        .first()
    )
    if declined is not None:
        again = timezone.localtime(declined.decided_at + ASK_AGAIN_AFTER_DECLINE)
        raise MembershipError(
            _("%(company)s declined your request. You can ask again from %(date)s.")
            % {"company": provider.name, "date": date_format(again, "DATETIME_FORMAT")},
            429,
        )
    if earlier.filter(created_at__gt=now - timedelta(days=1)).count() >= REQUESTS_PER_DAY:
        raise MembershipError(
            _("You asked %(company)s several times today. Please try again tomorrow.")
            % {"company": provider.name},
            429,
        )


def _acting_admin(admin: Membership) -> Membership:
    """The deciding administrator as the database has them now (a demoted or removed admin's
    stale membership decides nothing)."""
    current = Membership.objects.filter(pk=admin.pk).select_related("provider").first()
    if current is None or current.role != Membership.Role.ADMIN:
        raise MembershipError(
            _("Only your company's administrators decide who joins the company."), 403
        )
    return current


def _request_of_company(admin: Membership, request_id: int) -> JoinRequest:
    """The join request, if it was made to the admin's own company; any other is a 404."""
    join_request = JoinRequest.objects.filter(pk=request_id, provider_id=admin.provider_id).first()
    if join_request is None:
        raise MembershipError(_("No such join request for your company."), 404)
    return join_request


def _lock_request(join_request: JoinRequest) -> JoinRequest:
    """Lock the requester, then the request (the module's lock order), and read both afresh."""
    User.objects.select_for_update().get(pk=join_request.user_id)
    return (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("user", "provider")
        .get(pk=join_request.pk)
    )


@transaction.atomic
def approve_join_request(admin: Membership, request_id: int) -> Membership:
    """Make the requester a member of the admin's company and tell them.

    Approving twice (a double click, two admins at once) returns the same membership and sends
    one e-mail; a request withdrawn or declined meanwhile, or a requester who joined another
    company, is refused."""
    from . import tasks

    admin = _acting_admin(admin)
    join_request = _lock_request(_request_of_company(admin, request_id))
    current = Membership.objects.filter(user_id=join_request.user_id).first()
    if join_request.status == JoinRequest.Status.APPROVED:
        if current is not None and current.provider_id == join_request.provider_id:
            return current
        raise MembershipError(
            _("%(name)s was approved before and has left the company since.")
            % {"name": join_request.user}
        )
    if join_request.status != JoinRequest.Status.PENDING:
        raise MembershipError(_already_decided(join_request))
    if current is not None:
        raise MembershipError(
            _("%(name)s has joined another company in the meantime.") % {"name": join_request.user}
        )
    membership = Membership.objects.create(
        user=join_request.user, provider=join_request.provider, role=Membership.Role.MEMBER
    )
    join_request.status = JoinRequest.Status.APPROVED
    join_request.decided_by = admin.user
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    outbox.enqueue(tasks.notify_join_decision, join_request.pk)
    return membership


@transaction.atomic
def decline_join_request(admin: Membership, request_id: int, reason: str) -> JoinRequest:
    """Turn the request down; the requester is e-mailed the reason."""
    from . import tasks

    reason = reason.strip()
    if not reason:
        raise MembershipError(_("Say why you decline: the person asking will read it."), 400)
    if len(reason) > DECLINE_REASON_MAX:
        raise MembershipError(
            _("Keep the reason under %(count)d characters.") % {"count": DECLINE_REASON_MAX},
            400,
        )
    admin = _acting_admin(admin)
    join_request = _lock_request(_request_of_company(admin, request_id))
    if join_request.status == JoinRequest.Status.DECLINED:
        return join_request  # declined twice: the first reason and e-mail stand
    if join_request.status != JoinRequest.Status.PENDING:
        raise MembershipError(_already_decided(join_request))
    join_request.status = JoinRequest.Status.DECLINED
    join_request.decided_by = admin.user
    join_request.decided_at = timezone.now()
    join_request.decline_reason = reason
    join_request.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    outbox.enqueue(tasks.notify_join_decision, join_request.pk)
    return join_request


def _already_decided(join_request: JoinRequest) -> str:
    if join_request.status == JoinRequest.Status.WITHDRAWN:
        return _("%(name)s withdrew this request.") % {"name": join_request.user}
    if join_request.status == JoinRequest.Status.DECLINED:
        return _("This request was already declined.")
    return _("This request was already approved.")


@transaction.atomic
def withdraw_join_request(user: User, request_id: int) -> JoinRequest:
    """The requester takes back their own request; anyone else's is a 404."""
    join_request = JoinRequest.objects.filter(pk=request_id, user=user).first()
    if join_request is None:
        raise MembershipError(_("No such join request."), 404)
    join_request = _lock_request(join_request)
    if join_request.status == JoinRequest.Status.WITHDRAWN:
        return join_request
    if join_request.status != JoinRequest.Status.PENDING:
        raise MembershipError(_("This request was already decided."))
    join_request.status = JoinRequest.Status.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    return join_request


# --- E-mail -----------------------------------------------------------------------------------


def _mail_language(language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _message(template: str, context: dict, language: str, to: str) -> EmailMultiAlternatives:
    with translation.override(language):
        subject = render_text(f"academy/email/{template}_subject.txt", context, language)
        body = render_text(f"academy/email/{template}_message.txt", context, language)
    return EmailMultiAlternatives(" ".join(subject.split()), body.strip() + "\n", to=[to])


def send_join_request_notice(request_id: int) -> bool:
    """E-mail the company's administrators that someone asks to join; once per request.

    Returns False when there is nothing to send: already sent (a task re-run), or the request
    was decided or withdrawn before the task ran."""

    def compose() -> list[EmailMultiAlternatives] | None:
        join_request = (
            JoinRequest.objects.select_for_update(of=("self",))
            .select_related("user", "provider")
            .filter(pk=request_id)
            .first()
        )
        if (
            join_request is None
            or join_request.admins_notified_at is not None
            or join_request.status != JoinRequest.Status.PENDING
        ):
            return None
        admins = Membership.objects.filter(
            provider_id=join_request.provider_id, role=Membership.Role.ADMIN
        ).select_related("user")
        # Nothing records an administrator's language: the site's default, as invitations.
        language = settings.LANGUAGE_CODE
        context = {
            "join_request": join_request,
            "team_url": absolute_url("/my-academy/team/", language),
        }
        return [
            _message("join_request", {**context, "admin": m.user}, language, m.user.email)
            for m in admins
        ]

    return mail.send_once(
        f"join-request:{request_id}:admins",
        kind="join-request",
        compose=compose,
        mark_sent=lambda: JoinRequest.objects.filter(pk=request_id).update(
            admins_notified_at=timezone.now()
        ),
    )


def send_join_decision(request_id: int) -> bool:
    """E-mail the requester the administrators' decision, in the language they asked in; once."""

    def compose() -> EmailMultiAlternatives | None:
        join_request = (
            JoinRequest.objects.select_for_update(of=("self",))
            .select_related("user", "provider")
            .filter(pk=request_id)
            .first()
        )
        decided = (JoinRequest.Status.APPROVED, JoinRequest.Status.DECLINED)
        if (
            join_request is None
            or join_request.requester_notified_at is not None
            or join_request.status not in decided
        ):
            return None
        language = _mail_language(join_request.language)
        template = (
            "join_approved"
            if join_request.status == JoinRequest.Status.APPROVED
            else "join_declined"
        )
        context = {
            "join_request": join_request,
            "user": join_request.user,
            "my_academy_url": absolute_url("/my-academy/", language),
        }
        return _message(template, context, language, join_request.user.email)

    return mail.send_once(
        f"join-request:{request_id}:decision",
        kind="join-decision",
        compose=compose,
        mark_sent=lambda: JoinRequest.objects.filter(pk=request_id).update(
            requester_notified_at=timezone.now()
        ),
    )


def send_welcome_email(user_id: int, language: str | None = None) -> bool:
    """Send the welcome e-mail once; returns False when it had already gone (task re-runs)."""

    def compose() -> EmailMultiAlternatives | None:
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("academy_membership__provider")
            .get(pk=user_id)
        )
        if user.welcomed_at is not None:
            return None
        mail_language = language or settings.LANGUAGE_CODE
        prefix = "" if mail_language == settings.LANGUAGE_CODE else f"/{mail_language}"
        with translation.override(mail_language):
            context = {
                "user": user,
                "membership": user.membership,
                "join_request": JoinRequest.objects.filter(
                    user=user, status=JoinRequest.Status.PENDING
                )
                .select_related("provider")
                .first(),
                "site_url": site_url() + prefix,
            }
            subject = render_text("academy/email/welcome_subject.txt", context, language).strip()
            body = render_text("academy/email/welcome_message.txt", context, language)
        return EmailMultiAlternatives(subject, body, to=[user.email])

    return mail.send_once(
        f"welcome:user:{user_id}",
        kind="welcome",
        compose=compose,
        mark_sent=lambda: User.objects.filter(pk=user_id).update(welcomed_at=timezone.now()),
    )


# --- Lecturer profile ---------------------------------------------------------------------------


@transaction.atomic
def update_lecturer_profile(
    profile: LecturerProfile,
    *,
    bio: str,
    city: str,
    specialties: str,
    listed: bool,
    photo=None,
    remove_photo: bool = False,
) -> LecturerProfile:
    """Save what the lecturer wrote about themselves; a new photo becomes a Wagtail image (the
    pages show renditions of it), titled with their name so editors find it in the library."""
    from wagtail.images import get_image_model

    from . import privacy

    profile = LecturerProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if listed != profile.listed:
        # A consent with its history row; it writes `listed` itself.
        privacy.set_consent(
            profile.user,
            privacy.Kind.PROFILE_LISTING,
            listed,
            source=privacy.Source.LECTURER_PROFILE,
        )
    profile.bio, profile.city, profile.specialties = bio, city, specialties
    if photo is not None:
        name = profile.user.display_name or profile.user.email
        profile.photo = get_image_model().objects.create(
            title=_("Lecturer photo: %(name)s") % {"name": name}, file=photo
        )
    elif remove_photo:
        profile.photo = None
    profile.save(update_fields=["bio", "city", "specialties", "photo"])
    return profile
