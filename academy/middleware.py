"""Request input that no view of the site can use, refused before any view reads it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in data.lists())


class RefuseNulMiddleware:
    """A NUL character in the path, a query parameter or a form field is a 400.

    PostgreSQL cannot hold NUL in text and refuses a query that carries one, so raw
    request.GET handed to the ORM or to a search backend (ours, Wagtail's admin, the API) would
    be a 500 there. Django's forms refuse NUL in a CharField, but not in a path argument, a
    ChoiceField or what a view reads itself. No field, path or filter of the site takes one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.carries_nul(request):
            message = _("The address or the form contains a character that cannot be read.")
            if request.path.startswith("/api/"):
                # The Wagtail API's own error format.
                return JsonResponse({"message": message}, status=400)
            raise BadRequest(message)
        return self.get_response(request)

    @staticmethod
    def carries_nul(request) -> bool:
        if NUL in request.path or _has_nul(request.GET):
            return True
        content_type = request.content_type or ""
        return request.method == "POST" and content_type in FORM_TYPES and _has_nul(request.POST)


class RefuseShortForwardedForMiddleware:
    """An X-Forwarded-For with fewer addresses than the trusted proxies add is a 400.

    Behind TRUSTED_PROXY_COUNT proxies every genuine request carries at least that many entries;
    fewer means the header was forged or a proxy is bypassed. allauth reads the header for its
    rate limits and raises ImproperlyConfigured (a 500) on such a request, before any view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
        forwarded = request.headers.get("x-forwarded-for")
        if proxies > 0 and forwarded is not None and len(forwarded.split(",")) < proxies:
            raise BadRequest(_("The request came through an unexpected route."))
        return self.get_response(request)
