"""Verifying a baked Open Badges PNG on /verify/upload/ (issue #16): the credential is taken out of
its `openbadgecredential` chunk, its signature checked with the published key, its certificate
found in the registry and its status read there; the result page is the PDF's. A picture that is
no genuine badge (junk, no chunk, a forged credential, a stranger's key) is a 4xx with a reason,
never a 500."""

import base64
import json
import zlib
from io import BytesIO, StringIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from PIL import Image

from certification import baking
from certification.models import Certificate
from certification.services import issuing, sharing
from certification.verification import verify_badge_png
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    lecturer,
    officer,
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


URL = "/en/verify/upload/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate():
    holder = lecturer(user__display_name="陈思远", user__email="chen.siyuan@example.com").user
    return award(holder, simple_programme(title="认证讲师 · 小程序电商"))


def _post(client, data: bytes, name="badge.png", content_type="image/png"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type)})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _forged(png: bytes, change) -> bytes:
    """The badge with its credential's payload changed by `change(claims)`, signature kept."""
    header, payload, signature = baking.extract(png).split(".")
    claims = json.loads(_unb64(payload))
    change(claims)
    payload = _b64(json.dumps(claims, ensure_ascii=False).encode())
    return baking.bake(png, f"{header}.{payload}.{signature}")


def _plain_png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def test_genuine_badge_shows_the_same_result_as_the_pdf(client, certificate):
    png = sharing.baked_badge(certificate)
    verdict = verify_badge_png(png)
    assert verdict.genuine and verdict.valid and verdict.outcome == "valid"
    assert verdict.kind == "badge" and verdict.certificate == certificate
    response = _post(client, png)
    assert response.status_code == 200
    html = response.content.decode()
    # The PDF's status box and facts: the printed name, the programme, the serial.
    assert "cert-status--valid" in html and certificate.serial in html
    assert "陈思远" in html and "chen.siyuan" not in html
    assert "Credential signature verifies" in html and "Not revoked (status list)" in html


def test_revoked_badge_is_genuine_but_says_revoked(client, certificate):
    png = sharing.baked_badge(certificate)
    issuing.revoke_certificate(certificate, by=officer(), reason="违规")
    verdict = verify_badge_png(png)
    assert verdict.genuine and not verdict.valid and verdict.outcome == "revoked"
    response = _post(client, png)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cert-status--revoked" in html and "Marked as no longer accepted" in html


def test_expired_credential_is_genuine_and_expired_not_forged(client, certificate):
    png = sharing.baked_badge(certificate)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.EXPIRED)
    verdict = verify_badge_png(png)
    assert verdict.genuine and verdict.outcome == "expired"


def test_tampered_credential_is_a_400_with_the_reason(client, certificate):
    png = sharing.baked_badge(certificate)

    def promote(claims):
        claims["credentialSubject"]["achievement"]["name"] = "高级讲师"

    forged = _forged(png, promote)
    verdict = verify_badge_png(forged)
    assert verdict.outcome == "tampered" and not verdict.signature_intact and not verdict.genuine
    response = _post(client, forged)
    assert response.status_code == 400
    html = response.content.decode()
    assert "cert-status--tampered" in html and "changed after it was signed" in html


def test_credential_moved_to_another_serial_does_not_verify(client, certificate):
    other = award(certificate.holder, simple_programme(title="企业微信讲师"))
    png = sharing.baked_badge(certificate)

    def move(claims):
        claims["credentialSubject"]["licenseNumber"] = other.serial

    assert verify_badge_png(_forged(png, move)).outcome == "tampered"


def test_credential_signed_with_another_key_is_not_ours(client, certificate, settings, tmp_path):
    png = sharing.baked_badge(certificate)
    settings.CERT_SIGNING_CHAIN = str(tmp_path / "other-ca.pem")
    settings.CERT_SIGNING_KEY = str(tmp_path / "other-key.pem")
    settings.CERT_SIGNING_CERT = str(tmp_path / "other-cert.pem")
    call_command("create_signing_keys", stdout=StringIO())
    verdict = verify_badge_png(png)
    assert verdict.outcome == "untrusted" and not verdict.trusted and not verdict.genuine
    response = _post(client, png)
    assert response.status_code == 400
    assert "not signed with the academy" in response.content.decode()


def test_png_without_a_credential_is_a_400(client):
    response = _post(client, _plain_png())
    assert response.status_code == 400
    assert "carries no Open Badges credential" in response.content.decode()


@pytest.mark.parametrize(
    "junk",
    [
        baking.PNG_SIGNATURE,  # a signature and nothing else
        baking.PNG_SIGNATURE + b"\x00\x00\x00\x0dIHDR" + b"\x00" * 5,  # cut short
        baking.PNG_SIGNATURE + b"\xff" * 4000,  # a chunk longer than the file
    ],
)
def test_damaged_png_is_a_400_not_a_500(client, junk):
    response = _post(client, junk)
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_garbage_in_the_credential_chunk_is_a_400(client):
    for text in ("not a token", "a.b.c", "e30.e30.", "..", "eyJhbGciOiJub25lIn0.e30.x"):
        png = baking.bake(_plain_png(), text)
        response = _post(client, png)
        assert response.status_code == 400, text
        assert "cert-status--" in response.content.decode()


def test_a_compressed_credential_bomb_is_refused(client):
    """The spec forbids compression, but a reader may meet it: it never inflates unbounded."""
    bomb = zlib.compress(b"A" * (20 * 1024 * 1024))
    data = baking.KEYWORD + b"\x00" + b"\x01\x00" + b"\x00" + b"\x00" + bomb
    chunk = len(data).to_bytes(4, "big") + b"iTXt" + data
    chunk += zlib.crc32(b"iTXt" + data).to_bytes(4, "big")
    plain = _plain_png()
    png = plain[:-12] + chunk + plain[-12:]  # before IEND
    with pytest.raises(baking.NotBaked):
        baking.extract(png)
    assert _post(client, png).status_code == 400


def test_files_over_the_size_limit_are_refused(client):
    big = baking.PNG_SIGNATURE + b"\x00" * (5 * 1024 * 1024 + 1)
    response = _post(client, big)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_other_files_are_still_refused_with_a_reason(client):
    response = _post(client, b"GIF89a...", name="x.gif", content_type="image/gif")
    assert response.status_code == 400
    assert "This file is not a PDF or a badge image" in response.content.decode()


def test_the_form_offers_both_kinds(client):
    html = client.get("/en/verify/").content.decode()
    assert "image/png" in html and "application/pdf" in html
