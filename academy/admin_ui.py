"""Pieces the apps' Wagtail admin registrations share (events, certification)."""

from django.utils import timezone
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy


class ServiceOnlyPolicy(ModelPermissionPolicy):
    """For records that change only through their app's services (registrations, attempts,
    certificates…): the generic add/edit/delete views are closed to everyone, superusers
    included; viewing follows the model permissions."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class PermissionMenuItem(MenuItem):
    """A menu item shown to users holding one Django permission."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


def local_minutes(value) -> str:
    """A datetime as local `YYYY-MM-DD HH:MM` for CSV/XLSX exports ("" when empty)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
