"""Which language a reader gets a page's content in (docs/languages.md).

Content is written in Simplified Chinese, the original; editors may add an English version of any
page or footer text with Wagtail's localisation (wagtail.contrib.simple_translation). Traditional
Chinese readers get the Simplified original, converted to their script on the way out.

The original is the record: enrolments, sign-ups, registrations, progress and certificates point
at it, and every URL is the original's path under the reader's language prefix (/en/courses/x/).
An English version is presentation only: when a reader of English opens a page that has a live
English version, the original is served with the English version's words laid over it
(`show_in_reader_language`), so a sign-up on /en/events/x/ is a sign-up for the one event x, not
for a copy of it with its own seats. A page without an English version is served in Chinese, with
a visible note and `lang="zh-Hans"` on its content (the `content_lang` template tag).

So that nothing counts a page twice, queries over "every live course/event/case" that are not
limited to one part of the page tree go through `originals()`.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, TranslatableMixin

from academy import fragments

# Fields of Wagtail's own that a translation changes; page models list theirs in
# `translated_fields` (text a reader reads, never a date, a number of seats or a relation).
PAGE_TRANSLATED_FIELDS = ("title", "seo_title", "search_description")

# BCP 47 tag of each content language, for lang="…" attributes.
LANG_TAGS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}


def default_language() -> str:
    """The original content's language (zh-hans)."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def content_language(language: str | None = None) -> str:
    """The content language a UI language reads: zh-hant readers read the zh-hans original."""
    try:
        return get_supported_content_language_variant(language or translation.get_language())
    except LookupError:
        return default_language()


def reads_original(language: str | None = None) -> bool:
    return content_language(language) == default_language()


def translated_fields(page: Page) -> tuple[str, ...]:
    return PAGE_TRANSLATED_FIELDS + tuple(getattr(type(page), "translated_fields", ()))


def language_of_page(page: Page) -> str:
    """The language a page's own words are in: its locale's, or for an alias its original's."""
    if page.alias_of_id:
        return page.alias_of.locale.language_code
    return page.locale.language_code


def language_shown(page) -> str:
    """The language of the words `page` shows: set by `show_in_reader_language`, else its own.

    A page served as it is (an admin preview of an English version, say) shows its own locale's
    words; an alias shows its original's, which is the default language in this project.
    """
    shown = getattr(page, "_shown_language", None)
    if shown:
        return shown
    if getattr(page, "alias_of_id", None):
        return default_language()
    return locale_code(page.locale_id) if getattr(page, "locale_id", None) else default_language()


_locale_codes: dict[int, str] = {}


def locale_code(locale_id: int) -> str:
    """A locale's language code by id, read once per process (locales are a handful of rows)."""
    if locale_id not in _locale_codes:
        from wagtail.models import Locale

        _locale_codes.clear()
        _locale_codes.update(Locale.all_objects.values_list("pk", "language_code"))
    return _locale_codes.get(locale_id, default_language())


def shown_in_reader_language(item) -> bool:
    """Whether `item`'s words are in the reader's content language.

    Pages say which language they were shown in; a translatable snippet (the footer) is in its
    locale's language; anything else (names, "original") is in the original language.
    """
    reader = content_language()
    if isinstance(item, Page):
        return language_shown(item) == reader
    if isinstance(item, TranslatableMixin):
        return item.locale.language_code == reader
    return reader == default_language()


def originals(queryset: QuerySet) -> QuerySet:
    """Only the original pages (the records), not their versions in other languages."""
    return queryset.filter(locale__language_code=default_language())


def original_of(page: Page) -> Page:
    """The original a translation (or an alias made for one) belongs to; the page itself if it is one."""
    if page.locale.language_code == default_language():
        return page
    original = (
        Page.objects.filter(
            translation_key=page.translation_key, locale__language_code=default_language()
        )
        .select_related("locale")
        .first()
    )
    return original or page


def show_in_reader_language(pages: Iterable[Page], language: str | None = None) -> None:
    """Lay each original's live version in the reader's content language over it, in place.

    One query per page type, none for a reader of the original language. Pages keep their own
    identity (pk, path, URL); `language_shown(page)` tells which language their words are in.
    """
    pages = [p for p in pages if p is not None]
    language = content_language(language)
    if not pages or language == default_language():
        return
    by_key = {p.translation_key: p for p in pages}
    versions = (
        Page.objects.live()
        .filter(
            translation_key__in=list(by_key),
            locale__language_code=language,
            alias_of__isnull=True,  # an alias is the original's words again
        )
        .specific()
    )
    for version in versions:
        page = by_key[version.translation_key]
        for name in translated_fields(page):
            if hasattr(version, name):
                setattr(page, name, getattr(version, name))
        page._shown_language = language


def route_down(home: Page, request, path_components: list[str]):
    """`Page.route(home, request, path_components)`, with one query for the pages on the way.

    Wagtail routes a level at a time (the child by its slug, then its specific row: two queries a
    level). Here the pages whose URL paths the request's path begins with come in one query, and
    routing starts at the deepest of them, unless a page above it would have answered the path
    itself (a routable page whose own routes match the rest, or a page with a route of its own):
    then Wagtail's way is taken, so the result is always the one Page.route gives.
    """
    from django.http import Http404
    from wagtail.contrib.routable_page.models import RoutablePageMixin

    if not path_components:
        return Page.route(home, request, path_components)
    # The page found for a path is kept until content changes (academy/fragments.py), as the
    # specific row with its parent, so the next request for it asks the database nothing. Only a
    # path that routed is kept: made-up URLs do not fill the cache.
    key = fragments.versioned_key("route", (home.pk, *path_components), request=request)
    found = fragments.get(key)
    if found is not None:
        page, depth = found
        return page.route(request, path_components[depth:])
    prefixes = [
        home.url_path + "/".join(path_components[:n]) + "/"
        for n in range(1, len(path_components) + 1)
    ]
    found = {
        page.url_path: page
        for page in Page.objects.filter(url_path__in=prefixes, path__startswith=home.path)
    }
    chain = []
    for prefix in prefixes:
        if prefix not in found:
            break
        chain.append(found[prefix])
    if not chain:
        return Page.route(home, request, path_components)
    for level, page in enumerate(chain[:-1], start=1):
        cls = page.specific_class
        if cls is None:
            return Page.route(home, request, path_components)
        if cls.route is Page.route:
            continue
        if issubclass(cls, RoutablePageMixin) and cls.route is RoutablePageMixin.route:
            if not page.live:
                continue  # a routable page that is not live routes to its children only
            try:
                cls.get_resolver().resolve("/" + "/".join(path_components[level:]) + "/")
            except Http404:
                continue  # none of its own routes matches: it routes to its children
        return Page.route(home, request, path_components)
    page = chain[-1].specific
    # As Wagtail does, the parent is known: get_parent() (breadcrumbs) costs no query.
    page._cached_parent_obj = chain[-2] if len(chain) > 1 else home
    stored = (copy.copy(page), len(chain))  # as found, before the request changes it
    result = page.route(request, path_components[len(chain) :])
    fragments.store(key, stored)
    return result


def route_in_original_tree(home: Page, request, path_components: list[str]):
    """Route a path through the original page tree, then show the page in the reader's language.

    Wagtail starts routing at the site root's version in the reader's language; the original tree
    is the one that holds every page, so routing continues there. A path that only the reader's
    tree knows (an English version given its own slug) is routed there and served as its original.
    """
    from django.http import Http404
    from wagtail.models import Site

    # The site's root page is the original home (Wagtail lists its versions as the site's roots).
    site = Site.find_for_request(request)
    if site is None or site.root_page_id == home.pk:
        original_home = home if site is not None else original_of(home).specific
    else:
        original_home = site.root_page.specific
    try:
        result = route_down(original_home, request, path_components)
    except Http404:
        if original_home.pk == home.pk:
            raise
        result = Page.route(home, request, path_components)
        page = original_of(result.page).specific
        if page.pk != result.page.pk:
            # Serve the original (its routes, its records); its words come back below.
            if not page.live:
                raise
            result.page = page
    show_in_reader_language([result.page])
    return result


def _url_in_reader_language(get_url_parts):
    """Originals are linked under the reader's language prefix (/en/…, /zh-hant/…).

    Wagtail links a page under its own locale's language; here an original page is what every
    reader is served (in their language where it has a version), so its URL follows the reader.
    Versions in another language keep Wagtail's URL (its language's prefix), as the admin's
    "View live" needs.
    """

    @functools.wraps(get_url_parts)
    def wrapped(self, request=None):
        parts = get_url_parts(self, request)
        if not parts or parts[2] is None:
            return parts
        site_id, root_url, page_path = parts
        roots = self._get_relevant_site_root_paths(request)
        language = translation.get_language()
        if language and roots and roots[0].language_code == default_language():
            from academy.templatetags.academy_tags import path_in_language

            page_path = path_in_language(page_path, language)
        return site_id, root_url, page_path

    return wrapped


_installed = False


def install() -> None:
    """Apply the URL rule to Wagtail's Page (once, from AcademyConfig.ready)."""
    global _installed
    if _installed:
        return
    Page.get_url_parts = _url_in_reader_language(Page.get_url_parts)
    _installed = True
