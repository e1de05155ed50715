"""Asking every GET route of the URL map with junk query strings and path arguments.

Each route is one test in test_fuzz.py (its id is the pattern). The site's routes are asked by an anonymous
visitor, a provider member, a provider admin and staff, who share out every kind of junk
(tests/fuzz/junk.py: numbers past 64 bits, 1e309, ², emoji, 𠮷, RTL marks, search syntax,
10 kB values, repeated parameters, empty values) in every query parameter the project reads,
and NUL bytes (PostgreSQL refuses NUL in text). The admin's routes are
asked by staff (anyone else is sent to the login page before the view runs): the project's own
admin views with one kind of junk and NUL, Wagtail's and Django's with one kind, NUL among them,
once per view class (see _sampled). The kinds rotate with the route and the asker, so that each
route costs a few requests (about a thousand in all, under a minute with the form fuzz on
SQLite).
"""

from __future__ import annotations

import os
import zlib

import pytest
from django.test import Client

from . import urlmap
from .arguments import argument_values, subpage_values
from .conftest import ROLES
from .junk import ALL_KINDS, query_string


def _sampled(routes):
    """Every route of the project's own; of Wagtail's, Django's and allauth's, the first route
    of each view class (the same class serves every model's viewset, and they are half the
    map). FUZZ_ALL_ROUTES=1 asks every route of theirs too."""
    if os.environ.get("FUZZ_ALL_ROUTES"):
        return routes
    seen = set()
    sampled = []
    for route in routes:
        key = urlmap.view_key(route)
        if route.ours or route.area == "site" or key not in seen:
            sampled.append(route)
        seen.add(key)
    return sampled


ROUTES = _sampled(
    [
        r
        for r in urlmap.routes()
        # Wagtail's "failwhale" raises on purpose, to test error reporting.
        if r.name != "wagtailadmin_error_test"
    ]
)
PARAMS = urlmap.project_query_params()
JUNK_KINDS = [k for k in ALL_KINDS if k != "nul"]


def askers(route) -> list[tuple[str, list[str]]]:
    """(role, kinds of junk) for each person who asks `route`."""
    seed = zlib.crc32(route.id.encode())
    if route.area == "admin":
        if route.ours:
            return [("staff", [JUNK_KINDS[seed % len(JUNK_KINDS)], "nul"])]
        return [("staff", [ALL_KINDS[seed % len(ALL_KINDS)]])]
    # Every kind once per site route, shared out among the four askers (starting at a different
    # asker on each route), and NUL once.
    asks = [(role, []) for role in ROLES]
    for i, kind in enumerate(JUNK_KINDS):
        asks[(seed + i) % len(asks)][1].append(kind)
    asks[seed % len(asks)][1].append("nul")
    return asks


def _client(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def _failure(role: str, url: str, response) -> str:
    summary = f"{role} GET {url[:160]} -> {response.status_code}"
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        summary += f": {exc_info[0].__name__}: {str(exc_info[1])[:200]}"
    return summary


def ask(world, route, path_for) -> list[str]:
    """Send each asker's junk queries; the failures, described."""
    failures = []
    seed = zlib.crc32(route.id.encode())
    for index, (role, kinds) in enumerate(askers(route)):
        client = _client(world, role)
        prefix = urlmap.LANGUAGE_PREFIXES[index % len(urlmap.LANGUAGE_PREFIXES)]
        path = path_for(role, prefix)
        for kind in kinds:
            url = f"{path}?{query_string(kind, PARAMS, offset=seed + index)}"
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(_failure(role, url, response))
            if world.users[role] is not None and not response.wsgi_request.user.is_authenticated:
                client.force_login(world.users[role])  # a logout route logged them out
    return failures


def route_param(route):
    return pytest.param(route, id=route.id)


def ask_route(world, route) -> list[str]:
    def path_for(role, prefix):
        return route.path(argument_values(route, world, role), prefix)

    return ask(world, route, path_for)


class PageRoute(urlmap.Route):
    """A page type's (sub-)page, asked like a site route."""


PAGE_ROUTES = [
    PageRoute(f"{page_type._meta.label}/{pattern}", "", None, True, tuple((n, "") for n in names))
    for page_type in urlmap.page_types()
    for pattern, names in dict.fromkeys(urlmap.subpage_routes(page_type))
]
PAGE_TYPES = {t._meta.label: t for t in urlmap.page_types()}


def ask_page(world, route) -> list[str]:
    label, pattern = route.pattern.split("/", 1)
    page = world.pages.get(PAGE_TYPES[label])
    assert page is not None, f"seed_demo has no live {label}"

    def path_for(role, prefix):
        values = subpage_values([name for name, _ in route.args], world, role)
        sub = urlmap.ROUTE_ARG.sub(lambda m: values[m["name"]], pattern)
        return f"/{prefix}{page.url.lstrip('/')}{sub}".replace("//", "/")

    return ask(world, route, path_for)


ARGUMENT_JUNK = {
    # What an int converter lets through: digits past any column, and zero.
    "int": ["99999999999999999999999", str(2**63), "0"],
    "regex": ["99999999999999999999999", "0"],
}
TEXT_JUNK = ["𠮷野家", "x" * 2000, "\u202eevil", '"><img', "²", "-"]
NUL_IN_PATH = "x%00y"  # the path is decoded before routing: the view gets "x\x00y"


# The routes whose path arguments are fuzzed: the site's and the project's admin views.
ARGUMENT_ROUTES = [r for r in ROUTES if r.args and (r.area == "site" or r.ours)]


def ask_arguments(world, route) -> list[str]:
    """Each argument of the path in turn holds junk (the others real objects), as a member:
    a NUL byte in a text argument, and one more junk value."""
    client = _client(world, "member")
    seed = zlib.crc32(route.id.encode())
    failures = []
    for index, (name, converter) in enumerate(route.args):
        choices = ARGUMENT_JUNK.get(converter, TEXT_JUNK)
        junk = [choices[(seed + index) % len(choices)]]
        if converter not in ARGUMENT_JUNK:
            junk.append(NUL_IN_PATH)
        for value in junk:
            values = argument_values(route, world, "member")
            values[name] = value
            url = route.path(values)
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(_failure("member", url, response))
    return failures
