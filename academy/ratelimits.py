"""Rate limits for the academy's own public views, counted exactly as allauth counts its login and
sign-up limits: the same default cache, the same client address (ALLAUTH_TRUSTED_PROXY_COUNT /
ALLAUTH_TRUSTED_CLIENT_IP_HEADER), the same "amount/period/per" syntax.

Why allauth's mechanism rather than django-ratelimit: django-ratelimit needs a cache with an atomic
increment and does not support Django's database cache, which production uses when REDIS_URL is
unset; allauth's sliding window works on any shared cache (a cache.add lock per counter). It also
means one definition of "the client's address" for every limit on the site.

allauth's public helper (allauth.core.ratelimit.consume) only counts non-GET requests and only reads
ACCOUNT_RATE_LIMITS; look-ups are GETs, so this calls the implementation behind it with
limit_get=True and our own rates. tests/academy/test_rate_limits.py pins that behaviour, so an
allauth upgrade that changes it fails there rather than silently.
"""

from collections.abc import Callable
from functools import wraps

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

APP = "academy"


def retry_after(action: str) -> int:
    """Seconds after which a refused client is sure to be let through again."""
    rates = allauth_ratelimit.get_rates(app=APP, action=action, config=settings.ACADEMY_RATE_LIMITS)
    return int(max((rate.duration for rate in rates), default=60))


def too_many_requests(request: HttpRequest, *, action: str = "", as_json: bool = False):
    """The 429 answer: a translated page, or JSON for machine clients."""
    seconds = retry_after(action) if action else 60
    message = _("Too many requests from your address. Please wait a minute and try again.")
    if as_json:
        response = JsonResponse(
            {"error": "rate_limited", "message": message, "retry_after": seconds},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
        # The registry's JSON is read cross-origin: let a verifier see why it was refused.
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def rate_limited(action: str, *, as_json: bool = False) -> Callable:
    """Refuse a view with 429 once the client used up settings.ACADEMY_RATE_LIMITS[action]."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            usage = allauth_ratelimit.consume(
                request,
                app=APP,
                action=action,
                config=settings.ACADEMY_RATE_LIMITS,
                limit_get=True,
            )
            if usage is None:
                return too_many_requests(request, action=action, as_json=as_json)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def consume(request: HttpRequest, action: str) -> bool:
    """Count one use of `action` for this client; False once its limit is used up.

    For a view that answers the refusal itself, e.g. with its form and what the person typed
    still in it, rather than with rate_limited's 429 page."""
    usage = allauth_ratelimit.consume(
        request, app=APP, action=action, config=settings.ACADEMY_RATE_LIMITS, limit_get=True
    )
    return usage is not None
