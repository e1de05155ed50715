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
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
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


def versioned_key(name: str, parts: tuple, *, request=None) -> str | None:
    """The key of data `name` for `parts` (and the language) at the current content version; None
    when nothing may be cached: the cache is off, or `request` is a preview (a draft is never
    what readers were shown)."""
    if getattr(request, "is_preview", False):
        return None
    version = page_cache.version() if enabled() else None
    if version is None:
        return None
    text = "\n".join([translation.get_language() or settings.LANGUAGE_CODE, *map(str, parts)])
    return f"fragment:{version}:{name}:{hashlib.sha256(text.encode()).hexdigest()}"


def versioned(name: str, parts: tuple, compute: Callable[[], Any], *, request=None) -> Any:
    """`compute()` kept until content changes (or FRAGMENT_CACHE_SECONDS), for data rather than
    HTML: `parts` (with the language) say whose or which it is. Only for values that writes of
    non-volatile models alone decide, as for any fragment. Pass the `request` where a preview
    could ask: it computes afresh."""
    key = versioned_key(name, parts, request=request)
    return compute() if key is None else cached(key, compute)


# --- Personal slots: the holes in a shared fragment -----------------------------------------------
#
# A listing shared by every reader may still carry a badge of the reader's own (enrolled, "you're
# in"). Inside a shared fragment `{% slot "course-status" course.pk course.learner_status %}`
# writes a marker instead of the badge, so the stored HTML holds nobody's status; after the fragment
# is read or rendered, `fill_slots` puts the reader's badges in, from one look-up per kind of slot
# (its loader). Outside a shared fragment, or with the cache off, the tag draws the badge from the
# value the page computed, as any template would.

SLOT_MARKER = re.compile(r"<!--slot:([a-z-]+):(\d+)-->")
MARKERS_CONTEXT_KEY = "_fragment_slot_markers"


@dataclass(frozen=True)
class Slot:
    load: Callable[[Any, list[int]], dict[int, Any]]  # (request, ids) -> {id: value}, one query
    template: str  # drawn with {"value": …}; an empty value draws nothing


_slots: dict[str, Slot] = {}


def register_slot(name: str, *, template: str):
    """Decorator: `load(request, ids)` gives the reader's values of slot `name` for those ids."""

    def decorator(load):
        _slots[name] = Slot(load, template)
        return load

    return decorator


def _registered(name: str) -> str:
    if name not in _slots:
        raise KeyError(f"no slot {name!r} is registered")
    return name


def slot_marker(name: str, pk: int) -> str:
    return f"<!--slot:{_registered(name)}:{int(pk)}-->"


def render_slot(name: str, value: Any) -> str:
    if not value:
        return ""
    return get_template(_slots[name].template).render({"value": value})


def slot_values(request, name: str, ids: list[int]) -> dict[int, Any]:
    """The reader's values of slot `name` for `ids`, loaded once per request: a page that marks
    its own copy of the list (when nothing is cached) and the fill share one query."""
    memo = request.__dict__.setdefault("_fragment_slot_values", {})
    loaded_ids, values = memo.get(name, (frozenset(), {}))
    if loaded_ids is not None and not set(ids) <= loaded_ids:
        values = _slots[name].load(request, sorted(set(ids)))
        memo[name] = (frozenset(ids), values)
    return values


def know_slot_values(request, name: str, values: dict[int, Any]) -> None:
    """Tell the fill that `values` are the reader's values of slot `name` for every id (a page
    that loaded all of them anyway): it asks nothing more."""
    request.__dict__.setdefault("_fragment_slot_values", {})[_registered(name)] = (None, values)


def fill_slots(html: str, request) -> str:
    """`html` with every slot marker replaced by the reader's own badge (one load per slot kind)."""
    found = SLOT_MARKER.findall(html)
    if not found:
        return html
    if request is None:  # nobody to fill them for: no badges
        return SLOT_MARKER.sub("", html)
    wanted: dict[str, set[int]] = {}
    for name, pk in found:
        wanted.setdefault(name, set()).add(int(pk))
    values = {name: slot_values(request, name, sorted(ids)) for name, ids in wanted.items()}
    return SLOT_MARKER.sub(
        lambda match: render_slot(match[1], values[match[1]].get(int(match[2]))), html
    )
