"""The demo's credentials as seed_demo leaves them: no e-mail address in any of them, and the
revoked lecturer's credential reads as revoked through its credentialStatus."""

import json
import re
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from jwcrypto import jwt

from certification.models import Certificate, CourseCertificate
from certification.services import sharing
from certification.services.issuing import verify_url
from tests.certification.factories_programmes import signing_key_dir, signing_keys  # noqa: F401
from tests.certification.test_certificate_badges import _published_keys, _status_bit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_demo_credentials_hold_no_address_and_revocation_reads_through_status(client):
    call_command("seed_demo", stdout=StringIO())
    certificates = list(Certificate.objects.select_related("holder"))
    assert len(certificates) >= 3
    bits = {}
    for certificate in certificates:
        response = client.get(f"/verify/{certificate.serial}.jwt")
        assert response.status_code == 200
        claims = _verified_ignoring_expiry(client, response.content.decode())
        record = client.get(f"/verify/{certificate.serial}.json").content.decode()
        assert not ADDRESS.search(json.dumps(claims, ensure_ascii=False) + record)
        bits[certificate.holder.email] = (certificate.status, _status_bit(client, claims))
    assert bits["lecturer.revoked@example.com"] == ("revoked", 1)
    assert bits["lecturer@example.com"] == ("valid", 0)
    assert bits["lecturer.expired@example.com"] == ("expired", 0)  # validUntil says it
    # The demo member finished a course: its course certificate is signed and verifiable.
    course_certificate = CourseCertificate.objects.get(holder__email="member@example.com")
    assert course_certificate.pdf_sha256
    record = client.get(f"/verify/{course_certificate.serial}.json").json()
    assert record["kind"] == "course" and record["status"] == "valid"
    assert not ADDRESS.search(json.dumps(record, ensure_ascii=False))


def _verified_ignoring_expiry(client, token: str) -> dict:
    """Signature checked with the published keys; the expired demo certificate's `exp` is the
    point of that example, so the time claims are not enforced here."""
    verified = jwt.JWT(
        jwt=token, key=_published_keys(client), expected_type="JWS", check_claims=False
    )
    return json.loads(verified.claims)


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="apt-get install zbar-tools")
def test_demo_lecturers_share_image_decodes_to_the_verify_url(client, tmp_path):
    """Issue #16's "done when": the demo lecturer's share image scans to their verify page, and
    their public page lists that certificate."""
    call_command("seed_demo", stdout=StringIO())
    certificate = Certificate.objects.select_related("holder").get(
        holder__email="lecturer@example.com", status=Certificate.Status.VALID
    )
    for size in ("moments", "chat"):
        response = client.get(f"/share/{certificate.serial}/{size}.png")
        assert response.status_code == 200
        path = tmp_path / f"{size}.png"
        path.write_bytes(response.content)
        decoded = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert decoded == verify_url(certificate.serial)
    page = client.get(f"/credentials/{sharing.page_slug_for(certificate.holder)}/")
    assert page.status_code == 200 and certificate.serial in page.content.decode()
