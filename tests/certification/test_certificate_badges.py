"""Open Badges 3.0: the VC-JWT verifies with the key published at the JWKS URL alone; status
(revocation, expiry) shows through the same record."""

import json

import pytest
from jwcrypto import jwk, jws, jwt

from certification.services import issuing
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
    return award(
        UserFactory(display_name="陈思远"), simple_programme(title="认证讲师 · 小程序电商")
    )


def _published_keys(client) -> jwk.JWKSet:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert all("d" not in key for key in keys)  # public only
    return jwk.JWKSet.from_json(json.dumps({"keys": keys}))


def test_credential_verifies_with_the_published_key(client, certificate):
    token = client.get(f"/verify/{certificate.serial}.jwt").content.decode()
    keys = _published_keys(client)
    verified = jwt.JWT(jwt=token, key=keys, expected_type="JWS")
    claims = json.loads(verified.claims)
    vc = claims["vc"]
    assert "OpenBadgeCredential" in vc["type"]
    assert vc["credentialSubject"]["name"] == "陈思远"
    assert vc["credentialSubject"]["achievement"]["humanCode"] == certificate.serial
    assert claims["exp"] == int(certificate.expires_at.timestamp())
    assert vc["credentialStatus"]["id"].endswith(f"/verify/{certificate.serial}.json")


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


def test_revoked_credential_is_gone_and_status_says_revoked(client, certificate):
    issuing.revoke_certificate(certificate, by=officer(), reason="违规")
    response = client.get(f"/verify/{certificate.serial}.jwt")
    assert response.status_code == 410 and response.json()["revoked"] is True
    assert client.get(f"/verify/{certificate.serial}.json").json()["status"] == "revoked"


def test_issuer_profile_links_the_key(client):
    data = client.get("/verify/issuer.json").json()
    assert data["publicKey"].endswith("/.well-known/jwks.json")
