"""The public site's absolute URLs: one home for PDFs, badges, e-mails, .ics files and the API.

`SITE_URL` is where readers reach the site. `WAGTAILADMIN_BASE_URL` is Wagtail's own setting for
links in admin notifications; it defaults to the same address but is read only by Wagtail, so a
deployment that puts the admin on another host changes no public link.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .templatetags.academy_tags import path_in_language


def site_url() -> str:
    """The site's base address, without a trailing slash."""
    return settings.SITE_URL.rstrip("/")


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "provider-academy"


def absolute_url(path: str, language: str | None = None) -> str:
    """`path` on the public site; served in `language` when one is given, else as it is."""
    if path.startswith(("http://", "https://")):
        return path
    if language:
        path = path_in_language(path, language)
    return site_url() + path


def reverse_absolute(viewname: str, *args, language: str | None = None) -> str:
    """A named URL on the public site, in `language` or else the default one (no prefix): links
    printed on signed documents must not depend on the language of the request that made them."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return site_url() + reverse(viewname, args=args)
