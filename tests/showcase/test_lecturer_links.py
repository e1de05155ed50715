"""The certified lecturers on a provider profile link to the lecturer's public credentials page
(/credentials/<slug>/) when it is open, and to each certificate's verify page; no e-mail address
is ever shown, not even for a holder without a display name."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from certification.models import Certificate, Recipient
from certification.services import sharing
from tests.factories import LecturerProfileFactory, MembershipFactory
from tests.growth.factories import CertificateFactory

from .helpers import certify, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_after():
    """Requests to /en/ leave English active in this thread: later tests reverse() without it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def page(client, profile) -> str:
    response = client.get(f"/en/providers/{profile.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_opted_in_lecturer_links_to_their_public_page(client, home_page):
    profile = make_profile()
    certificate = certify(profile.provider)
    slug = sharing.page_slug_for(certificate.holder)
    html = page(client, profile)
    assert reverse("holder_credentials", args=[slug]) in html
    assert reverse("verify_certificate", args=[certificate.serial]) in html
    # The page the link leads to is open to the public.
    assert client.get(reverse("holder_credentials", args=[slug])).status_code == 200


def test_without_a_public_page_only_the_verify_links_show(client, home_page):
    profile = make_profile()
    certificate = certify(profile.provider)
    Recipient.objects.filter(holder=certificate.holder).delete()
    html = page(client, profile)
    assert "/credentials/" not in html
    assert reverse("verify_certificate", args=[certificate.serial]) in html


def test_a_holder_who_did_not_opt_in_is_neither_shown_nor_linked(client, home_page):
    profile = make_profile()
    hidden = certify(profile.provider, listed=False)
    slug = sharing.page_slug_for(hidden.holder)
    html = page(client, profile)
    assert slug not in html and hidden.serial not in html


def test_no_e_mail_even_without_a_display_name(client, home_page):
    profile = make_profile()
    membership = MembershipFactory(provider=profile.provider, user__display_name="")
    LecturerProfileFactory(user=membership.user, listed=True)
    certificate = CertificateFactory(holder=membership.user, holder_name=membership.user.email)
    html = page(client, profile)
    assert certificate.serial in html
    assert membership.user.email not in html
    assert membership.user.email.split("@")[0] not in html
    assert "Certified lecturer" in html  # what stands for the missing name


def test_the_api_names_lecturers_without_e_mail_and_links_their_page(client, home_page):
    profile = make_profile()
    certificate = certify(profile.provider)
    slug = sharing.page_slug_for(certificate.holder)
    nameless = MembershipFactory(provider=profile.provider, user__display_name="")
    LecturerProfileFactory(user=nameless.user, listed=True)
    CertificateFactory(holder=nameless.user, holder_name=nameless.user.email)
    response = client.get(f"/api/showcase/providers/{profile.slug}/")
    assert response.status_code == 200
    assert nameless.user.email not in response.content.decode()
    lecturers = {
        tuple(c["serial"] for c in lec["certificates"]): lec for lec in response.json()["lecturers"]
    }
    shown = lecturers[(certificate.serial,)]
    assert shown["name"] == certificate.holder.display_name
    assert shown["credentials_url"].endswith(reverse("holder_credentials", args=[slug]))
    assert all(lec["name"] != nameless.user.email for lec in lecturers.values())


def test_expired_but_unswept_certificate_does_not_open_the_page(client, home_page):
    profile = make_profile()
    certificate = certify(profile.provider)
    slug = sharing.page_slug_for(certificate.holder)
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert slug not in page(client, profile)


def test_profile_queries_do_not_grow_with_lecturers(
    client, home_page, django_assert_max_num_queries
):
    profile = make_profile()
    sharing.page_slug_for(certify(profile.provider).holder)
    url = f"/en/providers/{profile.slug}/"
    client.get(url)  # warm caches (site, settings)
    with django_assert_max_num_queries(14) as one:
        client.get(url)
    for _ in range(5):
        sharing.page_slug_for(certify(profile.provider).holder)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(url).content.decode()
    assert len(set(re.findall(r"/credentials/\w+/", html))) == 6
