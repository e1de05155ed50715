"""Open Badges 3.0: each certificate as an OpenBadgeCredential (a W3C Verifiable Credential)
secured as a VC-JWT (JWS ES256) with the same key that signs the PDFs. The public key is
published as a JWKS at a stable URL, so anyone can verify a credential without us; its
`credentialStatus` points at the registry's JSON, so revocation and expiry show there too.

jwcrypto does the JOSE work (ES256's raw r||s signature encoding, RFC 7638 key ids, JWKS):
hand-written JWS gets exactly these details wrong.
"""

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from jwcrypto import jwk, jws
from jwcrypto.common import json_encode

from .models import Certificate
from .signing import key_paths

OB3_CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _absolute(name: str, *args) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(name, args=args)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@lru_cache(maxsize=4)
def _key(path: str, _mtime: float) -> jwk.JWK:
    return jwk.JWK.from_pem(Path(path).read_bytes())


def signing_key() -> jwk.JWK:
    key_path = key_paths()[0]
    return _key(str(key_path), key_path.stat().st_mtime)


def public_jwk() -> dict:
    key = signing_key()
    public = json.loads(key.export_public())
    public.update({"kid": key.thumbprint(), "use": "sig", "alg": _alg(key)})
    return public


def jwks() -> dict:
    return {"keys": [public_jwk()]}


def _alg(key: jwk.JWK) -> str:
    public = key.export_public(as_dict=True)
    if public["kty"] == "EC":
        return {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[public["crv"]]
    return "RS256"


def _iso(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def issuer_profile() -> dict:
    return {
        "id": _absolute("verify_issuer"),
        "type": ["Profile"],
        "name": "服务商学院 Provider Academy",
        "url": settings.WAGTAILADMIN_BASE_URL,
    }


def credential(certificate: Certificate) -> dict:
    """The OpenBadgeCredential for `certificate` (unsigned JSON-LD)."""
    programme = certificate.programme
    return {
        "@context": OB3_CONTEXT,
        "id": _absolute("verify_certificate", certificate.serial),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": programme.title,
        "issuer": issuer_profile(),
        "issuanceDate": _iso(certificate.issued_at),
        "validFrom": _iso(certificate.issued_at),
        "validUntil": _iso(certificate.expires_at),
        "expirationDate": _iso(certificate.expires_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.holder_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": False,
                    "identityHash": certificate.holder.email,
                }
            ],
            "achievement": {
                "id": _absolute("programme_detail", programme.slug),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": programme.title,
                "description": programme.description or programme.title,
                "criteria": {"narrative": programme.description or programme.title},
                "humanCode": certificate.serial,
                "inLanguage": "zh-Hans",
            },
        },
        "credentialStatus": {
            "id": _absolute("verify_certificate_json", certificate.serial),
            "type": "1EdTechRevocationList",
        },
    }


def credential_jwt(certificate: Certificate) -> str:
    """The credential as a compact VC-JWT (header kid = the JWKS key id)."""
    key = signing_key()
    vc = credential(certificate)
    claims = {
        "iss": vc["issuer"]["id"],
        "jti": vc["id"],
        "sub": certificate.holder.email,
        "nbf": int(certificate.issued_at.timestamp()),
        "iat": int(certificate.issued_at.timestamp()),
        "vc": vc,
    }
    if certificate.expires_at:
        claims["exp"] = int(certificate.expires_at.timestamp())
    token = jws.JWS(json.dumps(claims, ensure_ascii=False).encode())
    token.add_signature(
        key,
        alg=_alg(key),
        protected=json_encode({"alg": _alg(key), "typ": "JWT", "kid": key.thumbprint()}),
    )
    return token.serialize(compact=True)
