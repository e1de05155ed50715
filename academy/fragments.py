"""Cached fragments of pages that many readers see alike: the shell, and user-independent content.

Signed-in readers get no stored page (academy/page_cache.py), yet every page they see repeats the
same shell: navigation (a page query), the language switcher (URL resolving per language), the
account links, the footer's settings and text (two queries); and listings and detail pages hold
large parts that are the same for every reader (the case cards, a case's story).
`{% shared_fragment "header" for_reader %}…{% endshared_fragment %}` renders such a part once and
keeps it in the default cache (Redis in production, local memory in tests); a page whose context
is expensive hands it over lazily (`lazy_context`), so a hit skips the queries as well as the
rendering.

A fragment's key holds everything it shows:
- the page cache's content version, so publishing a page or editing a setting or the footer text
  shows at once (any model write bumps it, academy/receivers.py);
- the language (and so the script), the scheme and host, and the path with its query string
  (filters, pages of results, the language links, the current section, the search box's query);
- for fragments marked `for_reader`, the reader's role (anonymous, member, staff), which decides
  the account links; for fragments marked `personal`, the user's id. A fragment with neither
  option must show nothing that depends on who reads it: no name, no own links, no progress.

An error of the cache is a miss: the fragment is rendered as if nothing were cached. A preview (a
draft in the admin) neither reads nor stores fragments; 404 and 400 pages cache nothing
(`shell_uncached`): any made-up URL is one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from academy import page_cache

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return settings.FRAGMENT_CACHE_SECONDS > 0


def reader_role(user) -> str:
    """What the shell's account links depend on: signed in or not, and the Admin link."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    return "staff" if user.is_staff else "member"


def fragment_key(
    name: str,
    request,
    *,
    path: str = "full",
    for_reader: bool = False,
    personal: bool = False,
    extra: tuple = (),
) -> str | None:
    """The cache key of fragment `name` as `request` sees it; None when nothing may be cached.

    `path`: "full" (path and query string), "path", or "" for a fragment the same on every page.
    """
    if not enabled() or request is None or getattr(request, "is_preview", False):
        return None  # a preview shows a draft, never what readers were shown
    version = page_cache.version()
    if version is None:
        return None
    user = getattr(request, "user", None)
    parts = [
        name,
        translation.get_language() or settings.LANGUAGE_CODE,
        request.scheme,
        request.get_host(),
        {"full": request.get_full_path(), "path": request.path}.get(path, ""),
    ]
    if for_reader:
        parts.append(reader_role(user))
    if personal:
        parts.append(str(user.pk) if user is not None and user.is_authenticated else "-")
    parts.extend(str(part) for part in extra)
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"fragment:{version}:{name}:{digest}"


def get(key: str | None) -> Any:
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 – an outage is a miss
        logger.warning("fragment cache: lookup failed", exc_info=True)
        return None


def store(key: str | None, value: Any) -> None:
    if key is None:
        return
    try:
        cache.set(key, value, settings.FRAGMENT_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("fragment cache: store failed", exc_info=True)


def lazy_context(compute: Callable[[], dict], keys: tuple[str, ...]) -> dict:
    """Context values computed together, on first use: a page whose fragment is cached skips the
    queries too. Each value is a lazy proxy (templates and tests use it like the real one)."""
    memo: dict = {}

    def value(key: str):
        if not memo:
            memo.update(compute())
        return memo[key]

    return {key: SimpleLazyObject(partial(value, key)) for key in keys}


def cached(key: str | None, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept under `key` (from fragment_key) for the next request."""
    value = get(key)
    if value is None:
        value = compute()
        store(key, value)
    return value
