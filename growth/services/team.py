"""A provider's team: invitations, roles and removals, decided by the company's admins.

Invariant: a company always keeps at least one admin. Role changes and removals lock the
company's memberships (in a fixed order) before counting admins, so two admins demoting each
other at the same moment cannot leave the company with none.

Removing a member and withdrawing an invitation can be undone for GROWTH_UNDO_MINUTES (10):
a removal is kept as a MemberRemoval that restoring turns back into the same membership (role
and joining date), unless the person joined another company meanwhile.

The company's join link (JoinLink) joins whoever opens it as a member while it is valid; an
admin regenerates it (the old link stops working) or disables it.

Accepting an invitation joins at once, like an approved join request (academy.services): it
takes the invitation's lock, then the person's (academy's lock order), and closes the person's
open join request.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import outbox
from academy import services as academy_services
from academy.models import Membership, Provider

from ..models import Invitation, default_expiry
from ..team_models import JoinLink, MemberRemoval, join_link_expiry
from . import GrowthError

Role = Membership.Role


def admin_membership(user) -> Membership | None:
    """The user's membership if they administer a company, else None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("provider")
        .filter(user_id=user.pk, role=Role.ADMIN)
        .first()
    )


def _lock_team(provider: Provider) -> list[Membership]:
    return list(Membership.objects.select_for_update().filter(provider=provider).order_by("pk"))


@transaction.atomic
def invite(admin: Membership, email: str, role: str = Role.MEMBER) -> Invitation:
    """Invite an address into the admin's company; re-inviting an open address sends again."""
    from .. import tasks

    email = email.strip().lower()
    if role not in Role.values:
        raise GrowthError(_("Choose a role."), 400)
    provider = admin.provider
    existing = Membership.objects.filter(user__email__iexact=email).select_related("provider")
    for membership in existing:
        if membership.provider_id == provider.pk:
            raise GrowthError(_("%(email)s is already in your team.") % {"email": email})
        raise GrowthError(
            _("%(email)s already belongs to another company in the academy.") % {"email": email}
        )
    invitation = (
        Invitation.objects.select_for_update()
        .filter(provider=provider, email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if invitation is not None:
        invitation.role = role
        invitation.expires_at = default_expiry()
        invitation.invited_by = admin.user
        invitation.save(update_fields=["role", "expires_at", "invited_by"])
    else:
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    provider=provider, email=email, role=role, invited_by=admin.user, created_at=now
                )
        except IntegrityError as exc:  # a concurrent invite of the same address won
            raise GrowthError(_("This address was just invited.")) from exc
    outbox.enqueue(tasks.send_invitation, invitation.pk)
    return invitation


@transaction.atomic
def revoke_invitation(admin: Membership, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, provider=admin.provider)
        .first()
    )
    if invitation is None:
        raise GrowthError(_("No such invitation."), 404)
    if invitation.accepted_at:
        raise GrowthError(_("This invitation was already accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def undo_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "GROWTH_UNDO_MINUTES", 10))


@transaction.atomic
def restore_invitation(admin: Membership, invitation_id: int) -> Invitation:
    """Undo a withdrawal within the undo window: the same link works again until it expires."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, provider=admin.provider)
        .first()
    )
    if invitation is None:
        raise GrowthError(_("No such invitation."), 404)
    if invitation.revoked_at is None:
        return invitation  # undone already (the button pressed twice)
    if invitation.revoked_at < timezone.now() - undo_window():
        raise GrowthError(_("It is too late to undo this: send a new invitation instead."), 409)
    if Invitation.objects.filter(
        provider=admin.provider,
        email=invitation.email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).exists():
        raise GrowthError(_("%(email)s was invited again meanwhile.") % {"email": invitation.email})
    invitation.revoked_at = None
    invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def accept_invitation(token: str, user) -> Membership:
    """Join the invitee to the company. The signed-in account must be the invited address."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("provider")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise GrowthError(_("This invitation link is not valid."), 404)
    # One company per person: an approval of their join request waits for this, or this for it.
    academy_services.lock_person(user)
    current = Membership.objects.filter(user_id=user.pk).select_related("provider").first()
    if invitation.accepted_at:
        if current is not None and current.provider_id == invitation.provider_id:
            return current  # the link clicked twice
        raise GrowthError(_("This invitation has already been used."), 410)
    if invitation.revoked_at:
        raise GrowthError(_("This invitation was withdrawn by the company."), 410)
    if invitation.expires_at <= timezone.now():
        raise GrowthError(
            _("This invitation has expired. Ask the company's administrator for a new one."), 410
        )
    if user.email.lower() != invitation.email.lower():
        raise GrowthError(
            _(
                "This invitation was sent to %(invited)s, but you are signed in as %(you)s. "
                "Sign in with the invited address to accept it."
            )
            % {"invited": invitation.email, "you": user.email},
            403,
        )
    if current is not None:
        if current.provider_id == invitation.provider_id:
            # Joined the same company first (an approved join request): the invitation still
            # grants its role (an invited administrator must not end up a plain member).
            membership = current
            if invitation.role == Role.ADMIN and membership.role != Role.ADMIN:
                membership.role = Role.ADMIN
                membership.save(update_fields=["role"])
        else:
            raise GrowthError(
                _(
                    "You already belong to %(company)s. A person can be in one company only; "
                    "ask its administrator to remove you first."
                )
                % {"company": current.provider.name}
            )
    else:
        membership = Membership.objects.create(
            user=user, provider=invitation.provider, role=invitation.role
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    academy_services.close_pending_request(user)
    return membership


def _target(team: list[Membership], membership_id: int) -> Membership:
    target = next((m for m in team if m.pk == membership_id), None)
    if target is None:
        raise GrowthError(_("No such member in your team."), 404)
    return target


@transaction.atomic
def change_role(admin: Membership, membership_id: int, role: str) -> Membership:
    if role not in Role.values:
        raise GrowthError(_("Choose a role."), 400)
    team = _lock_team(admin.provider)
    target = _target(team, membership_id)
    admins = [m for m in team if m.role == Role.ADMIN]
    if target.role == Role.ADMIN and role != Role.ADMIN and len(admins) == 1:
        raise GrowthError(_("A company needs at least one administrator: appoint another first."))
    target.role = role
    target.save(update_fields=["role"])
    return target


def team_member(admin: Membership, membership_id: int) -> Membership:
    """A member of the admin's team (for the confirmation page), else a 404 refusal."""
    target = (
        Membership.objects.select_related("user")
        .filter(pk=membership_id, provider=admin.provider)
        .first()
    )
    if target is None:
        raise GrowthError(_("No such member in your team."), 404)
    return target


@transaction.atomic
def remove_member(admin: Membership, membership_id: int) -> MemberRemoval:
    """Remove a member; the removal is kept so it can be undone (`restore_member`)."""
    team = _lock_team(admin.provider)
    target = _target(team, membership_id)
    admins = [m for m in team if m.role == Role.ADMIN]
    if target.role == Role.ADMIN and len(admins) == 1:
        raise GrowthError(_("A company needs at least one administrator: appoint another first."))
    removal = MemberRemoval.objects.create(
        provider=admin.provider,
        user=target.user,
        role=target.role,
        joined_at=target.joined_at,
        removed_by=admin.user,
    )
    target.delete()
    return removal


@transaction.atomic
def restore_member(admin: Membership, removal_id: int) -> Membership:
    """Undo a removal within the undo window: the same person, role and joining date."""
    removal = (
        MemberRemoval.objects.select_for_update()
        .select_related("user")
        .filter(pk=removal_id, provider=admin.provider)
        .first()
    )
    if removal is None:
        raise GrowthError(_("No such removal."), 404)
    # One company per person: a join elsewhere (invitation, approval) waits for this, or this
    # for it (academy's lock order: the person's row).
    academy_services.lock_person(removal.user)
    current = Membership.objects.filter(user_id=removal.user_id).first()
    if removal.restored_at is not None:
        if current is not None and current.provider_id == admin.provider_id:
            return current  # undone already (the button pressed twice)
        raise GrowthError(_("This removal was already undone."), 409)
    if removal.removed_at < timezone.now() - undo_window():
        raise GrowthError(_("It is too late to undo this: invite them again instead."), 409)
    if current is not None:
        raise GrowthError(
            _("%(name)s has joined another company meanwhile.") % {"name": removal.user}, 409
        )
    membership = Membership.objects.create(
        user=removal.user, provider=admin.provider, role=removal.role
    )
    # joined_at is auto_now_add: set back to the original date in a second write.
    Membership.objects.filter(pk=membership.pk).update(joined_at=removal.joined_at)
    membership.joined_at = removal.joined_at
    removal.restored_at = timezone.now()
    removal.save(update_fields=["restored_at"])
    return membership


def recent_removals(provider: Provider) -> list[MemberRemoval]:
    """Removals that can still be undone, newest first."""
    return list(
        MemberRemoval.objects.filter(
            provider=provider,
            restored_at__isnull=True,
            removed_at__gte=timezone.now() - undo_window(),
        )
        .select_related("user")
        .order_by("-removed_at")
    )


def recent_revocations(provider: Provider) -> list[Invitation]:
    """Withdrawn invitations that can still be restored, newest first."""
    return list(
        Invitation.objects.filter(
            provider=provider,
            accepted_at__isnull=True,
            revoked_at__gte=timezone.now() - undo_window(),
        ).order_by("-revoked_at")
    )


# --- The company's join link ----------------------------------------------------------------------


@transaction.atomic
def renew_join_link(admin: Membership) -> JoinLink:
    """Make the company's join link, or replace it by a new one (the old link stops working),
    valid for GROWTH_JOIN_LINK_DAYS."""
    from ..team_models import new_link_token

    link, created = JoinLink.objects.select_for_update().get_or_create(
        provider=admin.provider, defaults={"created_by": admin.user}
    )
    if not created:
        link.token = new_link_token()
        link.created_by = admin.user
        link.created_at = timezone.now()
        link.expires_at = join_link_expiry()
        link.disabled_at = None
        link.save()
    return link


@transaction.atomic
def disable_join_link(admin: Membership) -> JoinLink | None:
    link = JoinLink.objects.select_for_update().filter(provider=admin.provider).first()
    if link is not None and link.disabled_at is None:
        link.disabled_at = timezone.now()
        link.save(update_fields=["disabled_at"])
    return link


def open_join_link(token: str) -> JoinLink:
    """The join link behind `token` while it is valid, else a refusal saying why (404 unknown
    or replaced, 410 expired or disabled)."""
    link = JoinLink.objects.select_related("provider").filter(token=token).first()
    if link is None:
        raise GrowthError(
            _(
                "This join link is not valid: it may have been replaced by a newer one. "
                "Ask the company's administrator for the current link."
            ),
            404,
        )
    if link.disabled_at:
        raise GrowthError(
            _("This join link was switched off by the company. Ask its administrator."), 410
        )
    if link.expires_at <= timezone.now():
        raise GrowthError(
            _("This join link has expired. Ask the company's administrator for a new one."), 410
        )
    return link


@transaction.atomic
def join_by_link(token: str, user) -> Membership:
    """Join the link's company as a member. Someone already in it stays as they are; someone
    in another company is refused (one company per person)."""
    link = open_join_link(token)
    academy_services.lock_person(user)
    current = Membership.objects.filter(user_id=user.pk).select_related("provider").first()
    if current is not None:
        if current.provider_id == link.provider_id:
            return current
        raise GrowthError(
            _(
                "You already belong to %(company)s. A person can be in one company only; "
                "ask its administrator to remove you first."
            )
            % {"company": current.provider.name}
        )
    membership = Membership.objects.create(user=user, provider=link.provider, role=Role.MEMBER)
    academy_services.close_pending_request(user)
    return membership
