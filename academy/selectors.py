"""Read queries used by academy views (and growth's team page)."""

from django.db.models import QuerySet

from .models import JoinRequest, LecturerProfile, Membership, Provider, User


def my_academy_context(user: User) -> dict:
    """What My academy shows about the user; later apps add their own sections."""
    membership = (
        Membership.objects.select_related("provider")
        .prefetch_related("provider__industries")
        .filter(user_id=user.pk)
        .first()
    )
    lecturer = lecturer_of(user)
    return {
        "membership": membership,
        "provider": membership.provider if membership else None,
        "lecturer": lecturer,
        "join_request": None if membership else latest_join_request(user),
    }


def lecturer_of(user: User) -> LecturerProfile | None:
    """The user's lecturer profile or None, read once: the user object keeps it (Django caches
    a one-to-one, a miss included), so My academy's sections ask again for free."""
    try:
        return user.lecturer_profile
    except LecturerProfile.DoesNotExist:
        return None


def latest_join_request(user: User) -> JoinRequest | None:
    """The person's open request, or their last one if it was declined (they read why).

    Only the company's name and the decision: a requester sees nothing else of the company."""
    latest = (
        JoinRequest.objects.filter(user_id=user.pk)
        .select_related("provider")
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest and latest.status in (JoinRequest.Status.PENDING, JoinRequest.Status.DECLINED):
        return latest
    return None


def pending_join_requests(provider: Provider) -> QuerySet[JoinRequest]:
    """Requests waiting for the company's administrators, oldest first."""
    return (
        JoinRequest.objects.filter(provider=provider, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )
