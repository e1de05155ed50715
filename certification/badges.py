"""Open Badges 3.0: each certificate as an OpenBadgeCredential (a W3C Verifiable Credential, data
model 2.0) secured as a VC-JWT (JWS ES256) with the same key that signs the PDFs. The public key
is published as a JWKS at a stable URL, so anyone can verify a credential without us.

No personal data beyond the printed name: the subject is an opaque `urn:uuid` kept per holder,
the e-mail address appears only as a salted hash (OB 3.0 IdentityHash). Revocation is read
through `credentialStatus`: a W3C Bitstring Status List, itself a signed credential published at
/verify/status/<n>. docs/open-badges.md maps every field to the spec section it follows.

jwcrypto does the JOSE work (ES256's raw r||s signature encoding, RFC 7638 key ids, JWKS):
hand-written JWS gets exactly these details wrong.
"""

import base64
import gzip
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from jwcrypto import jwk, jws
from jwcrypto.common import json_encode

from academy.script import HANS, HANT, script_of_language, to_script
from academy.site_url import reverse_absolute, site_url

from .models import Certificate, StatusList
from .services import credential_status
from .signing import key_paths

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# OB 3.0 §"@context": the VC 2.0 context first, then the Open Badges context, in this order.
OB3_CONTEXT = [VC2_CONTEXT, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
ISSUER_NAME = "服务商学院 Provider Academy"
# OB 3.0 §JWT proof: `typ`, when present, MUST be "JWT". The status list is a plain VC 2.0
# credential, secured as VC-JOSE-COSE recommends (`vc+jwt`).
CREDENTIAL_TYP = "JWT"
STATUS_LIST_TYP = "vc+jwt"
MEDIA_TYPE = "application/vc+jwt"


def _absolute(name: str, *args) -> str:
    return reverse_absolute(name, *args)


@lru_cache(maxsize=4)
def _key(path: str, _mtime: float) -> jwk.JWK:
    return jwk.JWK.from_pem(Path(path).read_bytes())


def signing_key() -> jwk.JWK:
    key_path = key_paths()[0]
    return _key(str(key_path), key_path.stat().st_mtime)


def key_id(key: jwk.JWK | None = None) -> str:
    """OB 3.0 §JOSE header: `kid` is a URI that dereferences to the public JWK."""
    return _absolute("certificate_key", (key or signing_key()).thumbprint())


def public_jwk() -> dict:
    key = signing_key()
    public = json.loads(key.export_public())
    public.update({"kid": key_id(key), "use": "sig", "alg": _alg(key)})
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


def _numeric(value) -> int:
    return int(value.timestamp())


def _sign(claims: dict, typ: str) -> str:
    key = signing_key()
    token = jws.JWS(json.dumps(claims, ensure_ascii=False).encode())
    token.add_signature(
        key,
        alg=_alg(key),
        protected=json_encode({"alg": _alg(key), "kid": key_id(key), "typ": typ}),
    )
    return token.serialize(compact=True)


def issuer_profile() -> dict:
    return {
        "id": _absolute("verify_issuer"),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": site_url(),
    }


def identity_hash(identifier: str, salt: str) -> str:
    """OB 3.0 IdentityHash: "sha256$" + hex SHA-256 of the UTF-8 identifier followed by the salt."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


def email_identifier(email: str) -> str:
    """The form of an address that is hashed: trimmed and in lower case (say so to verifiers)."""
    return email.strip().lower()


def _identifiers(certificate: Certificate, salt: str) -> list[dict]:
    identifiers = []
    if certificate.public_holder_name:
        # The printed name is public anyway (PDF, verification page): plain, as OB 3.0 allows.
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": certificate.public_holder_name,
            }
        )
    if certificate.holder.email:
        # A verifier who was given the address can check it; nobody can read it back.
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": identity_hash(email_identifier(certificate.holder.email), salt),
                "salt": salt,
            }
        )
    return identifiers


def credential_status_entry(certificate: Certificate) -> dict | None:
    if certificate.status_list_id is None or certificate.status_index is None:
        return None
    list_url = status_list_url(certificate.status_list_id)
    return {
        "id": f"{list_url}#{certificate.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(certificate.status_index),
        "statusListCredential": list_url,
    }


def credential(certificate: Certificate) -> dict:
    """The OpenBadgeCredential for `certificate` (unsigned JSON-LD, VC data model 2.0)."""
    programme = certificate.programme
    recipient = credential_status.recipient_for(certificate.holder)
    programme_url = _absolute("programme_detail", programme.slug)
    # Its human-readable fields in the holder's script, like the PDF (Certificate.language).
    script = HANT if script_of_language(certificate.language) == HANT else HANS
    title = to_script(programme.title, script)
    description = to_script(programme.description, script) or title
    vc = {
        "@context": OB3_CONTEXT,
        "id": _absolute("verify_certificate", certificate.serial),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": issuer_profile(),
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": {
            "id": recipient.subject_id,
            "type": ["AchievementSubject"],
            "identifier": _identifiers(certificate, recipient.salt),
            "licenseNumber": certificate.serial,
            "achievement": {
                "id": programme_url,
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": title,
                "description": description,
                "criteria": {"id": programme_url, "narrative": description},
                "inLanguage": "zh-Hant" if script == HANT else "zh-Hans",
            },
        },
    }
    if certificate.expires_at:
        vc["validUntil"] = _iso(certificate.expires_at)
    status = credential_status_entry(certificate)
    if status:
        vc["credentialStatus"] = status
    return vc


def credential_jwt(certificate: Certificate) -> str:
    """The credential as a compact VC-JWT: the JWT payload is the credential itself plus the
    registered claims OB 3.0 requires (iss, jti, sub, nbf, and exp when it expires)."""
    vc = credential(certificate)
    claims = {
        **vc,
        "iss": vc["issuer"]["id"],
        "jti": vc["id"],
        "sub": vc["credentialSubject"]["id"],
        "nbf": _numeric(certificate.issued_at),
        "iat": _numeric(certificate.issued_at),
    }
    if certificate.expires_at:
        claims["exp"] = _numeric(certificate.expires_at)
    return _sign(claims, CREDENTIAL_TYP)


# --- Bitstring Status List -----------------------------------------------------------------------


def status_list_url(status_list_id: int) -> str:
    return _absolute("verify_status_list", status_list_id)


def encode_bitstring(positions, size: int = StatusList.SIZE) -> str:
    """Bitstring Status List §encodedList: multibase base64url (prefix "u", no padding) of the
    GZIP-compressed bitstring; position 0 is the left-most bit of the first byte."""
    bits = bytearray(size // 8)
    for position in positions:
        bits[position // 8] |= 0x80 >> (position % 8)
    # mtime=0: the same list compresses to the same bytes, whenever it is built.
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def status_list_credential(status_list: StatusList, now=None) -> dict:
    """The BitstringStatusListCredential, built from the database now (a revocation shows at
    once: nothing to invalidate)."""
    url = status_list_url(status_list.pk)
    return {
        "@context": [VC2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile()["id"],
        "validFrom": _iso(now or timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(credential_status.cancelled_positions(status_list)),
        },
    }


def status_list_jwt(status_list: StatusList) -> str:
    now = timezone.now().replace(microsecond=0)
    vc = status_list_credential(status_list, now)
    claims = {
        **vc,
        "iss": vc["issuer"],
        "jti": vc["id"],
        "sub": vc["credentialSubject"]["id"],
        "nbf": _numeric(now),
        "iat": _numeric(now),
    }
    return _sign(claims, STATUS_LIST_TYP)
