"""Read queries used by academy views."""

from .models import LecturerProfile, Membership, User


def my_academy_context(user: User) -> dict:
    """What My academy shows about the user; later apps add their own sections."""
    membership = (
        Membership.objects.select_related("provider")
        .prefetch_related("provider__industries")
        .filter(user_id=user.pk)
        .first()
    )
    lecturer = LecturerProfile.objects.filter(user=user).first()
    return {
        "membership": membership,
        "provider": membership.provider if membership else None,
        "lecturer": lecturer,
    }
