"""Open Badges 3.0: the VC-JWT carries no personal data but the printed name, follows OB 3.0's
JWT proof format, and verifies with the key published at the JWKS URL alone; its revocation is
read the way a standard verifier reads it: through credentialStatus, a W3C Bitstring Status List
that is itself a signed credential.

The checks below use jwcrypto, the published JWKS and the public URLs only (an independent
verifier's view), plus their own decoding of the bitstring."""

import base64
import gzip
import hashlib
import json
import threading
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.db import connection, connections
from jwcrypto import jwk, jws, jwt

from certification import badges
from certification.models import Certificate, StatusList
from certification.services import credential_status, issuing
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
def holder():
    # Like the demo's holders: a Chinese name and an address the credential must not reveal.
    return UserFactory(display_name="陈思远", email="Chen.Siyuan@Example.com")


@pytest.fixture
def certificate(holder):
    return award(holder, simple_programme(title="认证讲师 · 小程序电商"))


def _path(url: str) -> str:
    return urlsplit(url).path


def _published_keys(client) -> jwk.JWKSet:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert all("d" not in key for key in keys)  # public only
    return jwk.JWKSet.from_json(json.dumps({"keys": keys}))


def _verified(client, token: str) -> tuple[dict, dict]:
    """(header, claims) of a compact JWS that verifies with the published JWKS; raises if not."""
    verified = jwt.JWT(jwt=token, key=_published_keys(client), expected_type="JWS")
    return json.loads(verified.header), json.loads(verified.claims)


def _credential(client, certificate) -> tuple[str, dict, dict]:
    response = client.get(f"/verify/{certificate.serial}.jwt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    header, claims = _verified(client, token)
    return token, header, claims


def _status_bit(client, claims: dict) -> int:
    """Bitstring Status List v1.0 §3.2 validation, done independently of the site's code."""
    entry = claims["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    assert entry["id"] != entry["statusListCredential"]
    response = client.get(_path(entry["statusListCredential"]))
    assert response.status_code == 200
    _header, status_list = _verified(client, response.content.decode())
    assert "BitstringStatusListCredential" in status_list["type"]
    assert status_list["id"] == entry["statusListCredential"]
    assert status_list["iss"] == claims["iss"]  # the same issuer
    subject = status_list["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == entry["statusPurpose"]
    encoded = subject["encodedList"]
    assert encoded[0] == "u"  # multibase base64url, no padding
    packed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    bits = gzip.decompress(packed)
    assert len(bits) * 8 >= 131_072  # the spec's minimum size, for group privacy
    index = int(entry["statusListIndex"])
    return (bits[index // 8] >> (7 - index % 8)) & 1


def test_credential_follows_open_badges_3_jwt_proof_format(client, certificate):
    _token, header, claims = _credential(client, certificate)
    # JOSE header: alg, kid (a URL that dereferences to the public JWK), typ "JWT"; nothing else.
    assert set(header) == {"alg", "kid", "typ"}
    assert header["alg"] == "ES256" and header["typ"] == "JWT"
    dereferenced = client.get(_path(header["kid"]))
    assert dereferenced.status_code == 200 and "d" not in dereferenced.json()
    assert jwk.JWK(**dereferenced.json()).thumbprint() == badges.signing_key().thumbprint()
    # The payload is the credential itself (VC data model 2.0), with the registered claims.
    assert claims["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert "vc" not in claims and "issuanceDate" not in claims
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["issuer"]["type"] == ["Profile"] and claims["issuer"]["name"]
    assert claims["jti"] == claims["id"]
    assert claims["sub"] == claims["credentialSubject"]["id"]
    valid_from = datetime.fromtimestamp(claims["nbf"], UTC)
    assert valid_from.strftime("%Y-%m-%dT%H:%M:%SZ") == claims["validFrom"]
    valid_until = datetime.fromtimestamp(claims["exp"], UTC)
    assert valid_until.strftime("%Y-%m-%dT%H:%M:%SZ") == claims["validUntil"]
    assert claims["exp"] == int(certificate.expires_at.timestamp())
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["licenseNumber"] == certificate.serial
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert {"id", "name", "description", "criteria"} <= set(achievement)
    assert achievement["name"] == "认证讲师 · 小程序电商"
    names = [i for i in subject["identifier"] if i["identityType"] == "name"]
    assert names == [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "陈思远",
        }
    ]


def test_no_e_mail_address_in_the_credential_json_or_pages(client, certificate, holder):
    token, _header, claims = _credential(client, certificate)
    decoded = [
        base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()
        for part in token.split(".")[:2]
    ]
    # JSON-LD's own keyword is the one "@" a credential has.
    assert all("@" not in part.replace('"@context"', "") for part in decoded)
    assert "@" not in json.dumps(claims, ensure_ascii=False).replace('"@context"', "")
    record = client.get(f"/verify/{certificate.serial}.json")
    assert "@" not in record.content.decode() and record.json()["holder"] == "陈思远"
    page = client.get(f"/verify/{certificate.serial}/").content.decode()
    assert "陈思远" in page
    assert holder.email not in page and holder.email.lower() not in page
    assert "@" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    with certificate.pdf.open("rb") as handle:
        assert holder.email.lower().encode() not in handle.read().lower()


def test_subject_id_is_opaque_and_stable_across_reissue(client, certificate, holder):
    _token, _header, claims = _credential(client, certificate)
    subject_id = claims["credentialSubject"]["id"]
    # A random UUID: nothing in it derives from the person.
    assert subject_id.startswith("urn:uuid:")
    assert uuid.UUID(subject_id.removeprefix("urn:uuid:")).version == 4
    new = issuing.reissue_certificate(
        certificate, by=officer(), reason="姓名更正", holder_name="陈思源"
    )
    _token, _header, reissued = _credential(client, new)
    assert reissued["credentialSubject"]["id"] == subject_id
    assert reissued["sub"] == subject_id
    other = award(holder, simple_programme())
    assert _credential(client, other)[2]["sub"] == subject_id
    stranger = award(UserFactory(display_name="王振宇"), certificate.programme)
    assert _credential(client, stranger)[2]["sub"] != subject_id


def test_identity_hash_verifies_with_the_salt(client, certificate, holder):
    # OB 3.0's own IdentityHash example: 'a@example.com' salted with 'Kosher'.
    assert badges.identity_hash("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )
    _token, _header, claims = _credential(client, certificate)
    [hashed] = [i for i in claims["credentialSubject"]["identifier"] if i["hashed"]]
    assert hashed["type"] == "IdentityObject" and hashed["identityType"] == "emailAddress"
    # OB 3.0 §verify-identifier, as a verifier who was told the address would do it.
    known = "chen.siyuan@example.com"
    digest = hashlib.sha256((known + hashed["salt"]).encode("utf-8")).hexdigest()
    assert hashed["identityHash"] == f"sha256${digest}"
    wrong = hashlib.sha256(("someone@example.com" + hashed["salt"]).encode()).hexdigest()
    assert hashed["identityHash"] != f"sha256${wrong}"


def test_revocation_reads_through_credential_status(client, certificate):
    _token, _header, claims = _credential(client, certificate)
    neighbour = award(UserFactory(display_name="刘晓彤"), certificate.programme)
    assert _status_bit(client, claims) == 0
    issuing.revoke_certificate(certificate, by=officer(), reason="违规")
    # The revoked credential is still served: the same signed bytes, read as revoked.
    token, _header, after = _credential(client, certificate)
    assert after == claims
    assert _status_bit(client, after) == 1
    assert _status_bit(client, _credential(client, neighbour)[2]) == 0
    assert client.get(f"/verify/{certificate.serial}.json").json()["status"] == "revoked"


def test_a_reissued_version_reads_as_cancelled_and_its_successor_as_valid(client, certificate):
    old = _credential(client, certificate)[2]
    new = issuing.reissue_certificate(
        certificate, by=officer(), reason="姓名更正", holder_name="陈思源"
    )
    assert _status_bit(client, old) == 1
    assert _status_bit(client, _credential(client, new)[2]) == 0


def test_a_changed_payload_fails(client, certificate):
    token = client.get(f"/verify/{certificate.serial}.jwt").content.decode()
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    swapped = "A" if payload[middle] != "A" else "B"
    forged = ".".join([header, payload[:middle] + swapped + payload[middle + 1 :], signature])
    [key] = _published_keys(client)["keys"]
    with pytest.raises(jws.InvalidJWSSignature):
        jwt.JWT(jwt=forged, key=key, expected_type="JWS")
    # The untouched token verifies with the same key: the failure is the change.
    jwt.JWT(jwt=token, key=key, expected_type="JWS")


def test_every_certificate_gets_its_own_status_position(monkeypatch, holder):
    monkeypatch.setattr(StatusList, "CAPACITY", 3)
    programme = simple_programme()
    certificates = [award(UserFactory(), programme) for _ in range(7)]
    entries = {(c.status_list_id, c.status_index) for c in certificates}
    assert len(entries) == 7
    assert all(0 <= index < StatusList.SIZE for _, index in entries)
    # A list is closed once its share is taken: 7 positions at 3 a list need 3 lists.
    assert StatusList.objects.count() == 3
    assert sorted(StatusList.objects.values_list("allocated", flat=True)) == [1, 3, 3]


def test_status_list_urls_refuse_junk(client, certificate):
    for junk in ("0", "999999999", "99999999999999999999999", "²", "1x", "-1"):
        assert client.get(f"/verify/status/{junk}").status_code == 404
    assert client.get("/verify/keys/not-our-key").status_code == 404


def test_bitstring_encoding_sets_the_leftmost_bit_first():
    encoded = badges.encode_bitstring([0, 9, 131_071])
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=="))
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 0b0000_0001
    assert sum(bin(b).count("1") for b in bits) == 3


def test_legacy_certificate_with_an_address_for_a_name_shows_none(client, certificate):
    # Issued before a name was required: the address was printed as the name.
    type(certificate).objects.filter(pk=certificate.pk).update(holder_name=certificate.holder.email)
    assert client.get(f"/verify/{certificate.serial}.json").json()["holder"] == ""
    page = client.get(f"/verify/{certificate.serial}/").content.decode()
    assert certificate.holder.email not in page
    _token, _header, claims = _credential(client, certificate)
    assert "@" not in json.dumps(claims).replace('"@context"', "")


def test_issuer_profile_links_the_key(client):
    data = client.get("/verify/issuer.json").json()
    assert data["publicKey"].endswith("/.well-known/jwks.json")
    assert data["id"].endswith("/verify/issuer.json") and data["type"] == ["Profile"]


def test_recipient_is_created_once_per_holder(holder):
    first = credential_status.recipient_for(holder)
    assert credential_status.recipient_for(holder).subject_uuid == first.subject_uuid
    assert len(first.salt) == 32


# Serialized rollback, as the other transactional tests do.
@pytest.mark.services
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issuers_drawing_positions_at_once_never_collide(monkeypatch):
    monkeypatch.setattr(StatusList, "CAPACITY", 3)  # lists fill and open while they race
    programme = simple_programme()
    holders = [UserFactory() for _ in range(8)]
    by = officer()
    barrier = threading.Barrier(len(holders))
    errors = []

    def worker(holder):
        try:
            barrier.wait()
            issuing.award_certificate(holder, programme, by=by, reason="并发", notify=False)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(h,)) for h in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    entries = list(
        Certificate.objects.filter(programme=programme).values_list("status_list", "status_index")
    )
    assert len(entries) == len(holders) == len(set(entries))
    for status_list in StatusList.objects.all():
        assert status_list.allocated == status_list.certificates.count() <= 3
