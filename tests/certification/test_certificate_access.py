"""Who may see and download a certificate: the holder and officers; anyone else gets a 404."""

import pytest

from tests.certification.factories_programmes import (  # noqa: F401
    award,
    officer,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]


@pytest.fixture
def certificate():
    return award(UserFactory(), simple_programme())


def test_holder_downloads_the_signed_pdf(client, certificate):
    client.force_login(certificate.holder)
    response = client.get(f"/certificates/{certificate.serial}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_another_holder_gets_404(client, certificate):
    other = award(UserFactory(), certificate.programme)
    client.force_login(other.holder)
    assert client.get(f"/certificates/{certificate.serial}/download/").status_code == 404
    assert client.get(f"/certificates/{certificate.serial}/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, certificate):
    response = client.get(f"/certificates/{certificate.serial}/download/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_officer_may_download(client, certificate):
    client.force_login(officer())
    assert client.get(f"/certificates/{certificate.serial}/download/").status_code == 200


def test_my_academy_lists_my_certificates(client, certificate):
    client.force_login(certificate.holder)
    html = client.get("/my-academy/").content.decode()
    assert certificate.serial in html


def test_public_page_query_count(client, certificate, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(f"/verify/{certificate.serial}/").status_code == 200
