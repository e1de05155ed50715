"""Sharing credentials (issue #16 §5): the holder's public page (opt-in, valid credentials only, no
e-mail), the share images (sizes, and a QR code zbarimg reads back as the verification URL) and
the baked Open Badges image (the credential extracts from the PNG and verifies; a tampered one
does not)."""

import base64
import json
import shutil
import subprocess
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from certification import baking
from certification.models import Certificate
from certification.services import issuing, sharing
from certification.services.issuing import verify_url
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    lecturer,
    officer,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]

needs_zbarimg = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbarimg missing: apt-get install zbar-tools"
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def holder():
    profile = lecturer(
        city="深圳", user__display_name="陈思远", user__email="chen.siyuan@example.com"
    )
    return profile.user


@pytest.fixture
def certificate(holder):
    return award(holder, simple_programme(title="认证讲师 · 小程序电商"))


def _page(client, holder):
    return client.get(reverse("holder_credentials", args=[sharing.page_slug_for(holder)]))


def _qr_text(png: bytes, tmp_path) -> str:
    path = tmp_path / "share.png"
    path.write_bytes(png)
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# --- The public holder page ------------------------------------------------------------------


def test_page_lists_valid_credentials_without_the_e_mail(client, holder, certificate):
    response = _page(client, holder)
    assert response.status_code == 200
    html = response.content.decode()
    assert "陈思远" in html and "认证讲师 · 小程序电商" in html
    assert reverse("verify_certificate", args=[certificate.serial]) in html
    assert "chen.siyuan" not in html.lower() and "@example.com" not in html
    # The name is marked as written (never converted to the reader's script).
    assert '<bdi data-as-written translate="no">陈思远</bdi>' in html


def test_legacy_address_for_a_name_is_never_shown(client, holder, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(holder_name=holder.email)
    type(holder).objects.filter(pk=holder.pk).update(display_name="")
    html = _page(client, holder).content.decode()
    assert "chen.siyuan" not in html.lower()
    assert "<h1" in html and certificate.serial in html


def test_page_address_is_random_not_the_user_id_or_address(holder, certificate):
    slug = sharing.page_slug_for(holder)
    assert slug == sharing.page_slug_for(holder)  # stable
    assert len(slug) == 12 and str(holder.pk) != slug and "chen" not in slug
    other = UserFactory()
    assert sharing.page_slug_for(other) != slug


def test_page_is_a_404_when_the_holder_has_not_opted_in(client, holder, certificate):
    holder.lecturer_profile.listed = False
    holder.lecturer_profile.save()
    assert _page(client, holder).status_code == 404


def test_page_is_a_404_for_an_unknown_address_or_a_holder_without_a_profile(client):
    assert client.get(reverse("holder_credentials", args=["abcdefghjkmn"])).status_code == 404
    no_profile = UserFactory(display_name="李无档")
    award(no_profile, simple_programme())
    assert _page(client, no_profile).status_code == 404


def test_revoked_replaced_and_expired_certificates_are_not_listed(client, holder, certificate):
    revoked = award(holder, simple_programme(title="企业微信讲师"))
    issuing.revoke_certificate(revoked, by=officer(), reason="违规")
    expired = award(holder, simple_programme(title="支付讲师"))
    # Past its date but not yet swept: the date decides.
    Certificate.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    html = _page(client, holder).content.decode()
    assert certificate.serial in html
    assert revoked.serial not in html and "企业微信讲师" not in html
    assert expired.serial not in html and "支付讲师" not in html


def test_page_is_a_404_once_nothing_is_valid(client, holder, certificate):
    issuing.revoke_certificate(certificate, by=officer(), reason="违规")
    assert _page(client, holder).status_code == 404


def test_page_queries_do_not_grow_with_credentials(
    client, holder, certificate, django_assert_max_num_queries
):
    url = reverse("holder_credentials", args=[sharing.page_slug_for(holder)])
    client.get(url)  # warm caches (site, settings)
    # Two of its own (holder, certificates with programmes) and the site shell's four.
    with django_assert_max_num_queries(6):
        first = client.get(url)
    for title in ("企业微信讲师", "支付讲师", "视频号讲师"):
        award(holder, simple_programme(title=title))
    with django_assert_max_num_queries(6):
        more = client.get(url)
    assert first.status_code == more.status_code == 200
    assert more.content.decode().count('class="card credential-card"') == 4


def test_another_users_certificate_page_is_still_a_404(client, certificate):
    client.force_login(UserFactory())
    assert client.get(reverse("certificate_detail", args=[certificate.serial])).status_code == 404


def test_holders_own_page_has_the_share_actions(client, holder, certificate):
    client.force_login(holder)
    html = client.get(reverse("certificate_detail", args=[certificate.serial])).content.decode()
    assert reverse("share_image", args=[certificate.serial, "moments"]) in html
    assert reverse("share_image", args=[certificate.serial, "chat"]) in html
    assert reverse("baked_badge", args=[certificate.serial]) in html
    assert (
        'data-copy="share-link-verify"' in html
        and f'value="{verify_url(certificate.serial)}"' in html
    )
    assert 'role="img" aria-label=' in html  # the WeChat QR code, labelled
    assert "linkedin.com/profile/add" in html
    assert sharing.holder_page_url(sharing.page_slug_for(holder)) in html


# --- Share images ----------------------------------------------------------------------------


@needs_zbarimg
@pytest.mark.parametrize(("size", "dimensions"), [("moments", (1080, 1440)), ("chat", (1200, 630))])
def test_share_image_has_its_size_and_a_qr_of_the_verify_url(
    client, certificate, tmp_path, size, dimensions
):
    response = client.get(reverse("share_image", args=[certificate.serial, size]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    png = response.content
    assert Image.open(BytesIO(png)).size == dimensions
    assert _qr_text(png, tmp_path) == verify_url(certificate.serial)


@needs_zbarimg
def test_traditional_holder_gets_a_traditional_image_that_still_scans(tmp_path):
    hk = lecturer(user__display_name="陳家欣").user
    hk.language = "zh-hant"
    certificate = award(hk, simple_programme(title="认证讲师 · 小程序电商"))
    Certificate.objects.filter(pk=certificate.pk).update(language="zh-hant")
    certificate.refresh_from_db()
    content = sharing.share_content(certificate)
    assert content.programme_title == "認證講師 · 小程序電商"
    assert content.holder_name == "陳家欣"  # as written
    assert _qr_text(sharing.share_png(certificate, "moments"), tmp_path) == verify_url(
        certificate.serial
    )


def test_share_image_is_cached_until_what_it_shows_changes(certificate):
    first = sharing.share_png(certificate, "chat")
    assert (
        sharing.share_png(certificate, "chat") is first
        or sharing.share_png(certificate, "chat") == first
    )
    key = sharing._cache_key(
        "share", certificate, "chat", sharing.share_content(certificate).issuer
    )
    assert cache.get(key) == first
    certificate.language = "zh-hant"
    assert (
        sharing._cache_key("share", certificate, "chat", sharing.share_content(certificate).issuer)
        != key
    )


def test_no_share_image_for_a_revoked_certificate_or_an_unknown_size(client, certificate):
    assert (
        client.get(reverse("share_image", args=[certificate.serial, "poster"])).status_code == 404
    )
    issuing.revoke_certificate(certificate, by=officer(), reason="违规")
    for url in (
        reverse("share_image", args=[certificate.serial, "chat"]),
        reverse("baked_badge", args=[certificate.serial]),
    ):
        assert client.get(url).status_code == 404
    assert client.get(reverse("share_image", args=["NOT-A-SERIAL", "chat"])).status_code == 404


# --- The baked Open Badges image -------------------------------------------------------------


def _itxt_chunks(png: bytes) -> list[bytes]:
    return [data for kind, data, _s, _e in baking._chunks(png) if kind == b"iTXt"]


def test_baked_badge_carries_the_credential_that_verifies(client, certificate):
    response = client.get(reverse("baked_badge", args=[certificate.serial]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    png = response.content
    assert Image.open(BytesIO(png)).size == (1200, 630)  # still an ordinary picture
    # OB 3.0 §5.3: exactly one iTXt `openbadgecredential`, uncompressed, holding the compact JWS.
    chunks = [c for c in _itxt_chunks(png) if c.startswith(b"openbadgecredential\x00")]
    assert len(chunks) == 1
    assert chunks[0][len(b"openbadgecredential\x00")] == 0  # compression flag
    token = baking.extract(png)
    assert token.count(".") == 2
    claims = baking.verify_token(token)
    assert claims["credentialSubject"]["licenseNumber"] == certificate.serial
    assert claims["id"] == verify_url(certificate.serial)
    # Pillow reads the same chunk: any PNG library can get it out.
    assert Image.open(BytesIO(png)).text["openbadgecredential"] == token


def test_a_tampered_baked_credential_fails(certificate):
    png = sharing.baked_badge(certificate)
    header, payload, signature = baking.extract(png).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "高级讲师"
    forged_payload = (
        base64.urlsafe_b64encode(json.dumps(claims, ensure_ascii=False).encode())
        .rstrip(b"=")
        .decode()
    )
    forged = baking.bake(png, f"{header}.{forged_payload}.{signature}")
    assert len([c for c in _itxt_chunks(forged) if c.startswith(b"openbadgecredential")]) == 1
    with pytest.raises(ValueError):
        baking.verify_token(baking.extract(forged))


def test_extract_refuses_junk():
    for junk in (b"", b"%PDF-1.7", b"\x89PNG\r\n\x1a\n\x00\x00"):
        with pytest.raises(baking.NotBaked):
            baking.extract(junk)
    plain = BytesIO()
    Image.new("RGB", (4, 4)).save(plain, format="PNG")
    with pytest.raises(baking.NotBaked):
        baking.extract(plain.getvalue())
    damaged = bytearray(plain.getvalue())
    damaged[20] ^= 0xFF  # inside IHDR: its checksum no longer matches
    with pytest.raises(baking.NotBaked):
        baking.extract(bytes(damaged))
