"""The page cache covers every public page (issue 17): each page a visitor can reach without
signing in — every live public Wagtail page of the demo, the listings, search, verification, the
showcase and the APIs — is stored on the first anonymous visit and served from the cache on the
next. A new page type or public view that cannot be stored fails here until it can, or until it is
listed below with the reason it must not be."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from academy import page_cache
from certification.models import Certificate, Programme
from showcase.selectors import public_profiles

pytestmark = pytest.mark.django_db

# Public pages that must not be stored, and why.
NOT_STORED = {
    # A form for anyone, with a CSRF token per visitor (the enquiry creates a record).
    "/enquire/": "per-visitor CSRF token",
}


def public_urls() -> list[str]:
    pages = [p.url for p in Page.objects.live().public().specific() if p.url]
    certificate = Certificate.objects.filter(revoked_at=None).first()
    serial = certificate.serial
    profiles = public_profiles().values_list("slug", flat=True)
    return [
        *pages,
        "/search/?query=%E9%A4%90%E9%A5%AE",
        "/verify/",
        f"/verify/{serial}/",
        f"/verify/{serial}.json",
        f"/verify/{serial}.jwt",
        "/verify/issuer.json",
        "/lecturers/",
        "/programmes/",
        *(
            reverse("programme_detail", args=[slug])
            for slug in Programme.objects.values_list("slug", flat=True)
        ),
        "/providers/",
        *(f"/providers/{slug}/" for slug in profiles),
        *(f"/api/showcase/providers/{slug}/" for slug in profiles),
        "/api/showcase/providers/",
        "/api/v2/pages/",
        "/events/feed.ics",
        "/privacy/",
    ]


def test_every_public_page_is_served_from_the_cache_on_the_second_visit(settings):
    # One test, one seeding: the demo takes most of its time.
    settings.PAGE_CACHE_SECONDS = 60
    call_command("seed_demo", stdout=StringIO())
    urls = public_urls()
    assert len(urls) > 60  # the demo's pages really were found
    cache.clear()
    not_stored = []
    for url in urls:
        first = Client().get(url)
        assert first.status_code == 200, url
        second = Client().get(url)
        if second.headers.get(page_cache.HIT_HEADER) != "hit":
            not_stored.append(url)
    assert not_stored == []

    # The exceptions really are not stored.
    slug = public_profiles().values_list("slug", flat=True).first()
    url = f"/providers/{slug}/enquire/"
    assert any(marker in url for marker in NOT_STORED)
    Client().get(url)
    assert Client().get(url).headers.get(page_cache.HIT_HEADER) is None
