"""The project's URL map as a flat list of routes, for the fuzz tests.

Walks django.urls.get_resolver() recursively (i18n_patterns included), and the Wagtail page
types with their routable sub-pages; turns a route's pattern into a path once its arguments
have values; and lists the query parameters the project's views read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from .junk import GENERIC_PARAMS

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ("academy", "courses", "certification", "events", "growth")

# `<int:pk>` in a path pattern, `(?P<pk>...)` in a regex one.
ROUTE_ARG = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_ARG = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full pattern text, namespaced name, view and arguments."""

    pattern: str  # as Django prints it, prefixes joined
    name: str  # "namespace:name" or "" for unnamed patterns
    callback: object = field(compare=False, repr=False)
    i18n: bool = False  # under i18n_patterns: also served under /en/ and /zh-hant/
    args: tuple[tuple[str, str], ...] = ()  # (name, converter) in order

    @property
    def id(self) -> str:
        return self.pattern or "/"

    @property
    def area(self) -> str:
        """ "admin" for the Wagtail and Django admins (staff only), else "site"."""
        return "admin" if self.pattern.startswith(("admin/", "django-admin/")) else "site"

    @property
    def module(self) -> str:
        return getattr(self.callback, "__module__", "") or ""

    @property
    def ours(self) -> bool:
        """A view of the project's own (its own views and viewsets), not one of Wagtail's,
        Django's or allauth's (which the project's snippets also use)."""
        return self.module.split(".")[0] in PROJECT_APPS

    def path(self, values: dict[str, str], language_prefix: str = "") -> str:
        """The URL path with `values` for the arguments (regex syntax removed)."""
        text = self.pattern

        def regex_value(match):
            return values[match.group("name")]

        text = REGEX_ARG.sub(regex_value, text)
        text = ROUTE_ARG.sub(lambda m: values[m.group("name")], text)
        text = text.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\", "")
        text = re.sub(r"\.\w+\?", "", text)  # DRF's optional format suffix
        return "/" + (language_prefix if self.i18n else "") + text


def _pattern_text(pattern) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return ""
    return str(pattern)


def _args(pattern) -> list[tuple[str, str]]:
    if isinstance(pattern, LocalePrefixPattern):
        return []
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return [(m["name"], m["converter"] or "str") for m in ROUTE_ARG.finditer(text)]
    if isinstance(pattern, RegexPattern):
        found = [(m["name"], "regex") for m in REGEX_ARG.finditer(text)]
        return found + [(m["name"], m["converter"] or "str") for m in ROUTE_ARG.finditer(text)]
    return []


def routes() -> list[Route]:
    """Every URL pattern of the project (Wagtail's page-serving catch-all excluded: the page
    types are fuzzed one by one, see page_types)."""
    found: list[Route] = []

    def walk(resolver, prefix: str, namespaces: list[str], args: list, i18n: bool):
        for entry in resolver.url_patterns:
            text = prefix + _pattern_text(entry.pattern)
            entry_args = args + _args(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(
                    entry,
                    text,
                    namespaces + ([entry.namespace] if entry.namespace else []),
                    entry_args,
                    i18n or isinstance(entry.pattern, LocalePrefixPattern),
                )
            elif isinstance(entry, URLPattern):
                if getattr(entry.callback, "__name__", "") == "serve" and (
                    entry.callback.__module__ == "wagtail.views"
                ):
                    continue
                name = ":".join(namespaces + [entry.name]) if entry.name else ""
                found.append(Route(text, name, entry.callback, i18n, tuple(entry_args)))

    walk(get_resolver(), "", [], [], False)
    # The same pattern twice (allauth's legacy aliases, say) is fuzzed once.
    unique = {}
    for route in found:
        unique.setdefault(route.pattern, route)
    return list(unique.values())


def view_key(route: Route) -> str:
    """What code answers `route`: its view class (or function), whatever model it serves."""
    callback = route.callback
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return f"{view_class.__module__}.{view_class.__qualname__}"
    name = getattr(callback, "__qualname__", "")
    if "<locals>" in name:  # a router choosing among views by its name (Wagtail's page views)
        return f"{route.module}.{name}:{route.name}"
    return f"{route.module}.{name}"


def view_model(route: Route):
    """The model a generic (Wagtail viewset, Django admin) view works on, if it says."""
    callback = route.callback
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    initkwargs = getattr(callback, "view_initkwargs", None) or {}
    model = initkwargs.get("model")
    if model is None:
        view_class = getattr(callback, "view_class", None)
        model = view_class.__dict__.get("model") if view_class else None
    return model if isinstance(model, type) else None


READS = re.compile(
    r"(?:GET|query_params)(?:\.get|\.getlist|\.pop)?[\(\[]\s*f?[\"']([A-Za-z_][\w-]*)[\"']"
)


def project_query_params() -> list[str]:
    """GENERIC_PARAMS plus every name the project's own code reads from request.GET."""
    names = list(GENERIC_PARAMS)
    for app in PROJECT_APPS:
        for source in (ROOT / app).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            for name in READS.findall(source.read_text(encoding="utf-8")):
                if name not in names:
                    names.append(name)
    return names


def page_types() -> list[type]:
    """The project's Wagtail page models (the demo has one of each, at least)."""
    from wagtail.models import get_page_models

    return [m for m in get_page_models() if m._meta.app_label in PROJECT_APPS]


def subpage_routes(page_type) -> list[tuple[str, tuple[str, ...]]]:
    """(pattern, argument names) of a routable page's sub-pages; ("", ()) for a plain page."""
    if not hasattr(page_type, "get_subpage_urls"):
        return [("", ())]
    found = []
    for entry in page_type.get_subpage_urls():
        text = str(entry.pattern)
        found.append((text, tuple(m["name"] for m in ROUTE_ARG.finditer(text))))
    return found or [("", ())]


LANGUAGE_PREFIXES = [
    "" if code == settings.LANGUAGE_CODE else f"{code}/" for code, _ in (settings.LANGUAGES)
]
