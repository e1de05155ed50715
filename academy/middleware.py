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


class PrivacyNoticeMiddleware:
    """Send a signed-in person who has not accepted the privacy notice in force to accept it.

    Only a page a browser navigates to (a GET or HEAD that takes HTML) is redirected, back to the
    same address afterwards: a form being posted is never lost, and JSON, the API, feeds, files
    and fetches answer as before. Anonymous readers are never asked (they accept at sign-up). The
    notice itself, the accept page, signing out and the pages of PRIVACY_NOTICE_EXEMPT_URL_NAMES
    (My data, closing the account: a person who will not accept can still take their data and
    leave) stay reachable, and the Wagtail and Django admins are left alone.
    """

    SKIP_PREFIXES = (
        "/admin/",
        "/django-admin/",
        "/api/",
        "/static/",
        "/media/",
        "/documents/",
        "/healthz",
        "/i18n/",
        "/verify",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.asks(request):
            from django.shortcuts import redirect
            from django.urls import reverse
            from django.utils.http import urlencode

            url = reverse("privacy_accept") + "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)

    def asks(self, request) -> bool:
        if request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
            return False
        if request.path_info.startswith(self.SKIP_PREFIXES):
            return False
        # A fetch() or an XHR, not a navigation: answer it as asked.
        mode = request.headers.get("sec-fetch-mode")
        if (mode and mode != "navigate") or request.headers.get("x-requested-with"):
            return False
        if not request.accepts("text/html"):
            return False
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        if match.url_name in settings.PRIVACY_NOTICE_EXEMPT_URL_NAMES:
            return False
        from . import privacy

        return privacy.must_accept(request)
