"""Whole-page cache for anonymous visitors.

Every public page (Wagtail pages, listings, search, the showcase, verification, holder pages, the
API) is served from Django's cache to a visitor who carries no session and no pending message:
Redis in production, local memory in the demo. One middleware, high in the stack, answers a hit
before sessions, locale, authentication and Wagtail's routing run; on a miss it stores what the
rest of the stack produced, after the script conversion and every header but the outermost ones.

What may be stored (`_storable`) is decided on the finished response, never by a list of views:
a 200 to a cookie-less GET that set no cookie, used no CSRF token (a form), consumed or added no
message, was not marked no-store (never_cache) unless its view says the page cache may keep it
anyway (`@shared`), and varies on nothing but the language. So a page
that shows a form or greets a person is never served to anyone else, whatever view made it.

The key is the scheme, the host, the path (which carries the language prefix, hence the script), the
Accept header and the query string, sorted, without tracking parameters (utm_*, WeChat's `from`…): filters and pages of
results are separate entries, a share link's decorations are not.

Freshness. Every key carries a version number; any write to a model that pages may show bumps it
(`bump`), so publishing, unpublishing, moving, deleting a page, changing its privacy, editing a
snippet, a setting, a certificate or a profile shows at once. The bump runs immediately and again
after the transaction commits: a request that rendered the old rows between the two cannot keep
them. Writes that happen on every sign-up or lesson view (settings.PAGE_CACHE_VOLATILE_MODELS)
do not bump: the figures they feed — seats left, counts — are at most PAGE_CACHE_SECONDS old.

An error of the page cache's own cache calls is a miss, never an error page.

Signed-in readers get no stored page, but the site's shell they see (header, footer) is cached in
fragments keyed on the same version (`version()`, academy/fragments.py), so edits show there at once
too.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:version"
HIT_HEADER = "X-Page-Cache"
# Vary values the key already accounts for (language is in the path, Accept is in the key;
# nobody is signed in).
_HARMLESS_VARY = {"cookie", "accept", "accept-language", "accept-encoding"}
# Larger answers (a big export, a PDF) are cheap to stream and would crowd pages out of Redis.
MAX_BYTES = 512 * 1024


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


# --- Freshness ------------------------------------------------------------------------------------


def versioned() -> bool:
    """Whether anything keys on the version: stored pages or the shell's fragments (academy/fragments.py)."""
    return enabled() or settings.FRAGMENT_CACHE_SECONDS > 0


# A page asks for the version once per fragment it draws (header, footer, listing, …): within one
# request the first answer serves them all. Only inside a request: a worker process has no end of
# request to forget it at. A bump forgets it too.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.active, _request.version = True, None


def _request_finished(**kwargs) -> None:
    _request.active, _request.version = False, None


request_started.connect(_request_started, dispatch_uid="page_cache_version_memo_start")
request_finished.connect(_request_finished, dispatch_uid="page_cache_version_memo_end")


def version() -> int | None:
    """The current content version, for other caches of rendered content (academy/fragments.py) to
    key on, so a content edit shows in them at once; None when the cache cannot be read."""
    try:
        return _version()
    except Exception:  # noqa: BLE001 – see the module docstring: an outage is a miss
        logger.warning("page cache: could not read the version", exc_info=True)
        return None


def _version() -> int:
    in_request = getattr(_request, "active", False)
    if in_request and _request.version is not None:
        return _request.version
    version = cache.get(VERSION_KEY)
    if version is None:
        # No add() race matters: two workers that both start it store the same pages. It starts
        # at the clock, not at 1: after Redis lost it (a restart, a flush), a number counted
        # again from 1 could meet one that a process still remembers (academy/sites.py).
        start = _first_version()
        cache.add(VERSION_KEY, start, timeout=None)
        version = cache.get(VERSION_KEY) or start
    if in_request:
        _request.version = version
    return version


def _first_version() -> int:
    return time.time_ns() // 1000


def _incr_version() -> None:
    _request.version = None
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: the next reader starts one, nothing stored is older
        cache.add(VERSION_KEY, _first_version(), timeout=None)


def _bump_now() -> None:
    try:
        if isinstance(caches["default"], DatabaseCache):
            # The database cache queries inside the writer's transaction: a failure (its table
            # not made yet, during the first `migrate`) must not abort that transaction on
            # PostgreSQL, so it runs in a savepoint of its own.
            with transaction.atomic():
                _incr_version()
        else:
            _incr_version()
    except Exception:  # noqa: BLE001 – a cache outage must not fail the write that changed content
        logger.warning("page cache: could not bump the version", exc_info=True)


def bump() -> None:
    """Make every stored page stale: now, and again once the writing transaction commits.

    The bump after the commit is the one that matters in production; the immediate one keeps
    pages right inside a transaction that never commits (a test) or that is still running.
    """
    if not versioned():
        return
    _bump_now()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # One queued bump per outermost transaction, however many rows it writes.
    outermost = id(connection.atomic_blocks[0])
    if getattr(connection, "_page_cache_bump_for", None) == outermost:
        return
    connection._page_cache_bump_for = outermost
    transaction.on_commit(_bump_now)


def _volatile_labels() -> frozenset[str]:
    return frozenset(label.lower() for label in settings.PAGE_CACHE_VOLATILE_MODELS)


def model_written(model) -> None:
    """A row of `model` was saved or deleted: stored pages may show it (academy/receivers.py)."""
    if model._meta.label_lower not in _volatile_labels():
        bump()


# --- Keys -----------------------------------------------------------------------------------------


def _ignored_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in settings.PAGE_CACHE_IGNORED_PARAMETERS or lowered.startswith("utm_")


def cache_key(request, version: int) -> str:
    pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    query = urlencode(sorted((k, v) for k, v in pairs if not _ignored_parameter(k)))
    # The scheme too: absolute links (share URLs, canonical) are written with it, and behind a
    # proxy it comes from a header the client may send.
    # Accept too: the API answers JSON or its browsable HTML by it. A browser sends one Accept per
    # kind of request, so this splits entries by browser family at most.
    accept = request.META.get("HTTP_ACCEPT", "")
    raw = "\n".join((request.scheme, request.get_host(), request.path, query, accept))
    return f"page-cache:{version}:{hashlib.sha256(raw.encode()).hexdigest()}"


# --- Which requests and responses -----------------------------------------------------------------


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    if "HTTP_AUTHORIZATION" in request.META or "HTTP_RANGE" in request.META:
        return False  # a Range request wants a 206 of part of a file, never a stored 200
    return not request.path.startswith(tuple(settings.PAGE_CACHE_EXEMPT_PREFIXES))


def _varies_only_on_harmless(response) -> bool:
    if not response.has_header("Vary"):
        return True
    values = {v.strip().lower() for v in cc_delim_re.split(response["Vary"]) if v.strip()}
    return values <= _HARMLESS_VARY


def shared(view):
    """Let the page cache keep this view's answers although they tell browsers and proxies not to.

    For public pages whose truth can change — a certificate's status on /verify/ — `never_cache`
    stops copies nobody can invalidate; this cache is invalidated by the write that changes them
    (a revocation bumps the version), so it may keep them. Time-driven changes (an expiry passing)
    show within PAGE_CACHE_SECONDS.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.page_cache_shared = True
        return response

    return wrapped


def _forbidden_to_store(response) -> bool:
    if getattr(response, "page_cache_shared", False):
        return False
    # "private" keeps shared proxies from storing what a signed-in reader may see differently
    # (site search, say); this cache stores only what a cookie-less visitor got, which every such
    # visitor gets alike. no-store and no-cache (never_cache) are obeyed.
    control = response.get("Cache-Control", "").lower()
    return "no-store" in control or "no-cache" in control


def _messages_touched(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    return bool(getattr(storage, "used", False) or getattr(storage, "_queued_messages", None))


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _storable(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not getattr(response, "streaming", False)
        and len(response.content) <= MAX_BYTES
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not _forbidden_to_store(response)
        and _varies_only_on_harmless(response)
        and not _messages_touched(request)
        and not _signed_in(request)
    )


# --- The middleware -------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Answer anonymous GETs from the page cache; store the pages that may be shared."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not _cacheable_request(request):
            return self.get_response(request)
        try:
            key = cache_key(request, _version())
            cached = cache.get(key)
        except Exception:  # noqa: BLE001 – see the module docstring: an outage is a miss
            logger.warning("page cache: lookup failed", exc_info=True)
            return self.get_response(request)
        if cached is not None:
            cached[HIT_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if _storable(request, response):
            try:
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("page cache: store failed", exc_info=True)
            response[HIT_HEADER] = "miss"
        return response
