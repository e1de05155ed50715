"""Security headers every response carries: Content-Security-Policy (django-csp) and
Permissions-Policy.

Two content policies: the strict one (settings.CONTENT_SECURITY_POLICY) for everything people read,
and a looser one (settings.ADMIN_CONTENT_SECURITY_POLICY) for the Wagtail and Django admins, whose
own templates still run inline scripts (InlinePanel, date pickers). The admins are only reachable
by staff, so the looser policy is confined to the paths in settings.ADMIN_URL_PREFIXES.
"""

from collections.abc import Callable
from functools import wraps

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

PERMISSIONS_POLICY_HEADER = "Permissions-Policy"


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.ADMIN_URL_PREFIXES))


def _is_preview_render(request: HttpRequest) -> bool:
    # Wagtail previews a page by running a dummy request for the page's public URL through the
    # whole middleware stack inside the admin's preview view. Its headers must come from the outer
    # admin request (the preview is framed by the admin), not from the page's public path.
    return getattr(request, "is_dummy", False)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy on the admin's paths.

    A view may still set its own policy with django-csp's decorators (csp_update, csp_replace…):
    they apply on top of whichever base policy the path has.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase):
        if _is_preview_render(request):
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts


def _allowlist(origins: list[str]) -> str:
    # Structured-header syntax (RFC 8941): self is a token, origins are quoted strings.
    return "(" + " ".join("self" if o == "self" else f'"{o}"' for o in origins) + ")"


def build_permissions_policy(features: dict[str, list[str]]) -> str:
    return ", ".join(f"{feature}={_allowlist(origins)}" for feature, origins in features.items())


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY (feature → allowed origins; empty = off everywhere).

    A view that needs a feature turns it on for its own response with @permissions_policy.
    """

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if PERMISSIONS_POLICY_HEADER not in response and not _is_preview_render(request):
            features = {
                **settings.PERMISSIONS_POLICY,
                **getattr(response, "_permissions_policy_allow", {}),
            }
            response[PERMISSIONS_POLICY_HEADER] = build_permissions_policy(features)
        return response


def permissions_policy(**allow: list[str]) -> Callable:
    """Allow browser features on one view's responses, e.g. @permissions_policy(camera=["self"]).

    Feature names with a hyphen are written with an underscore (screen_wake_lock).
    """
    features = {name.replace("_", "-"): origins for name, origins in allow.items()}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            response = view(*args, **kwargs)
            response._permissions_policy_allow = features
            return response

        return wrapped

    return decorator
