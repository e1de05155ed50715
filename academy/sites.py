"""The site a request is for, and its home page, without asking the database on every request.

Wagtail finds the site by host and port (a query with a CASE per site) and then loads the site's
home page, specific, before routing any page: two queries and about 1.5 ms of ORM work per
request, for two rows that change only when content changes. `SiteMiddleware` keeps them in the
process for the current content version (academy/page_cache.py: any write to a site or a page
bumps it) and gives each request its own copy, so what a request does to its objects (the
reader's language on the home page) stays in that request.
"""

from __future__ import annotations

import copy
import threading

from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.views import serve as wagtail_serve

from academy import page_cache

_memo = threading.local()  # per thread: a threaded server's requests never share one dict


def _remembered() -> dict:
    version = page_cache.version()
    if getattr(_memo, "version", None) != version:
        _memo.version, _memo.sites = version, {}
    return _memo.sites


def site_for(request) -> Site | None:
    """`Site.find_for_request(request)`, from the process's memory while content is unchanged."""
    if page_cache.version() is None:
        return Site.find_for_request(request)
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    sites = _remembered()
    if len(sites) > 16:  # hosts and ports come from the request: keep the memory bounded
        sites.clear()
    if (hostname, port) not in sites:
        try:
            site = get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            site = None
        if site is not None:
            site.root_page = site.root_page.specific
        sites[(hostname, port)] = site
    found = sites[(hostname, port)]
    if found is None:
        return None
    site = copy.copy(found)
    site.root_page = copy.copy(found.root_page)
    return site


def with_kept_site(view):
    """Mark a view that links to many pages (search results) for SiteMiddleware."""
    view.uses_kept_site = True
    return view


class SiteMiddleware:
    """Hand Wagtail's page view, and views marked `with_kept_site`, the request's site where
    Site.find_for_request looks first (request._wagtail_site). Other views look it up only if
    they need it, as before: a view that never needs it would pay for a memo rebuilt after each
    content change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        uses_site = view_func is wagtail_serve or getattr(view_func, "uses_kept_site", False)
        if uses_site and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = site_for(request)
