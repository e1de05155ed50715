"""The site's top-level sections, shown in navigation only once they exist.

Courses, cases and events are Wagtail index pages that staff publish under the home page;
lecturers and certificate verification are views the certification app adds. A section that is
not there yet (an app not installed, an index page not published) is left out of the navigation
instead of leading to a 404.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site


@dataclass(frozen=True)
class SiteSection:
    key: str
    label: str
    page_slug: str = ""  # a live child of the site's root page with this slug
    url_name: str = ""  # or a named URL


SECTIONS = (
    SiteSection("courses", _("Courses"), page_slug="courses"),
    SiteSection("cases", _("Case studies"), page_slug="cases"),
    SiteSection("events", _("Events"), page_slug="events"),
    SiteSection("lecturers", _("Lecturers"), url_name="lecturer_directory"),
    SiteSection("providers", _("Providers"), url_name="showcase:directory"),
    SiteSection("verify", _("Verify a certificate"), url_name="verify_index"),
)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str


def available_sections(request) -> dict[str, NavItem]:
    """Sections that exist, keyed by name, with URLs in the request's language (one query)."""
    site = Site.find_for_request(request)
    pages = {}
    if site is not None:
        wanted = [s.page_slug for s in SECTIONS if s.page_slug]
        for page in Page.objects.live().child_of(site.root_page).filter(slug__in=wanted):
            pages[page.slug] = page
    items = {}
    for section in SECTIONS:
        url = ""
        if section.page_slug in pages:
            url = pages[section.page_slug].get_url(request)
        elif section.url_name:
            try:
                url = reverse(section.url_name)
            except NoReverseMatch:
                url = ""
        if url:
            items[section.key] = NavItem(section.key, str(section.label), url)
    return items


def cached_sections(request) -> dict[str, NavItem]:
    """available_sections, kept in the shell's cache (academy/fragments.py) until content changes."""
    from academy import fragments

    key = fragments.fragment_key("sections", request, path="")
    return fragments.cached(key, lambda: available_sections(request))


def site_sections(request) -> dict:
    """Context processor: `site_sections` (dict of NavItem), evaluated only when a template uses it."""
    return {"site_sections": SimpleLazyObject(lambda: cached_sections(request))}
