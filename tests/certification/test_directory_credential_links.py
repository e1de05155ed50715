"""The lecturer directory (/lecturers/) and a lecturer's profile link to the lecturer's public
credentials page when it is open, and to each certificate's verify page otherwise; neither ever
shows an e-mail address."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from certification.models import Certificate
from certification.services import sharing
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    lecturer,
    signing_key_dir,
    signing_keys,
    simple_programme,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]


@pytest.fixture(autouse=True)
def _default_language_after():
    """Requests to /en/ leave English active in this thread: later tests reverse() without it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_directory_links_the_public_page_of_each_listed_lecturer(client):
    profile = lecturer(user__display_name="陈思远")
    certificate = award(profile.user, simple_programme())
    slug = sharing.page_slug_for(profile.user)
    html = client.get("/en/lecturers/").content.decode()
    assert reverse("holder_credentials", args=[slug]) in html
    assert reverse("lecturer_profile", args=[profile.pk]) in html
    html = client.get(reverse("lecturer_profile", args=[profile.pk])).content.decode()
    assert reverse("holder_credentials", args=[slug]) in html
    assert reverse("verify_certificate", args=[certificate.serial]) in html


def test_without_an_open_page_each_certificate_links_its_verify_page(client):
    profile = lecturer(user__display_name="李明")
    certificate = award(profile.user, simple_programme())
    slug = sharing.page_slug_for(profile.user)
    # Past its date, not yet swept: still listed by status, but its public page is closed.
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    html = client.get("/en/lecturers/").content.decode()
    assert slug not in html
    assert reverse("verify_certificate", args=[certificate.serial]) in html


def test_no_e_mail_address_for_a_lecturer_without_a_name(client):
    """A certificate from before names were required may carry the e-mail address as its name,
    and the user may have no display name (their str() is then the address)."""
    profile = lecturer(user__display_name="王芳", user__email="wang.fang@example.com")
    certificate = award(profile.user, simple_programme())
    Certificate.objects.filter(pk=certificate.pk).update(holder_name=profile.user.email)
    type(profile.user).objects.filter(pk=profile.user_id).update(display_name="")
    for url in ("/en/lecturers/", "/en" + reverse("lecturer_profile", args=[profile.pk])):
        html = client.get(url).content.decode()
        assert "wang.fang" not in html and "example.com" not in html, url
        assert "Certified lecturer" in html


def test_directory_queries_do_not_grow_with_lecturers(client, django_assert_max_num_queries):
    programme = simple_programme()
    award(lecturer().user, programme)
    client.get("/en/lecturers/")  # warm caches
    with django_assert_max_num_queries(12) as one:
        client.get("/en/lecturers/")
    for _ in range(4):
        award(lecturer().user, programme)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get("/en/lecturers/").content.decode()
    assert html.count("/credentials/") == 5
