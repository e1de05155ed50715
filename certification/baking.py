"""Baked Open Badges: the OB 3.0 credential carried inside a PNG, so the picture is the proof.

OB 3.0 §5.3 "Baked Badge" (PNG): one `iTXt` chunk with keyword `openbadgecredential`; with the
VC-JWT proof format (ours, certification.badges) its text is the compact JWS; compression MUST NOT
be used; the chunk MUST NOT appear twice (we replace any existing one). Extraction reads the first
such chunk. The chunks are written and read here by hand (a dozen lines of the PNG spec) so the
flags are exactly the spec's, whatever an image library's defaults are.

Verification of an extracted credential is the badges module's: the JWS must verify with our
published key; a verifier then reads revocation through `credentialStatus`.
"""

import json
import struct
import zlib

from jwcrypto import jwk, jws, jwt

from . import badges

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"


# The longest credential text read back: ours are a few kilobytes; a compressed chunk (which the
# spec forbids, but a reader meets) must not inflate an upload into gigabytes.
MAX_CREDENTIAL_BYTES = 64 * 1024


class NotBaked(ValueError):
    """The file is no PNG, is damaged, or carries no credential."""


class NoCredential(NotBaked):
    """A readable PNG without an `openbadgecredential` chunk."""


def _chunks(png: bytes):
    """(type, data, start, end) of each chunk; raises NotBaked on anything malformed."""
    if not png.startswith(PNG_SIGNATURE):
        raise NotBaked("not a PNG")
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        if offset + 8 > len(png):
            raise NotBaked("truncated chunk header")
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        end = offset + 12 + length
        if end > len(png):
            raise NotBaked("truncated chunk")
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : end])
        if zlib.crc32(kind + data) != crc:
            raise NotBaked("chunk checksum mismatch")
        yield kind, data, offset, end
        if kind == b"IEND":
            return
        offset = end
    raise NotBaked("no IEND chunk")


def itxt_chunk(keyword: bytes, text: str) -> bytes:
    """An uncompressed iTXt chunk: keyword, NUL, compression flag 0, method 0, empty language
    tag, NUL, empty translated keyword, NUL, UTF-8 text (PNG spec §11.3.4.5)."""
    data = keyword + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
    return (
        struct.pack(">I", len(data))
        + b"iTXt"
        + data
        + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    )


def _itxt_text(data: bytes) -> tuple[bytes, str]:
    keyword, _, rest = data.partition(b"\x00")
    if len(rest) < 2:
        raise NotBaked("malformed iTXt chunk")
    compressed, _method, rest = rest[0], rest[1], rest[2:]
    _language, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    try:
        if compressed:
            inflater = zlib.decompressobj()
            text = inflater.decompress(text, MAX_CREDENTIAL_BYTES + 1)
        if len(text) > MAX_CREDENTIAL_BYTES:
            raise NotBaked("credential text too long")
        return keyword, text.decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as error:
        raise NotBaked(f"unreadable iTXt text: {error}") from error


def bake(png: bytes, token: str) -> bytes:
    """`png` with `token` (a compact JWS) baked in, replacing any credential baked before."""
    out = bytearray(PNG_SIGNATURE)
    for kind, data, start, end in _chunks(png):
        if kind == b"iTXt" and data.split(b"\x00", 1)[0] == KEYWORD:
            continue
        if kind == b"IEND":
            # Before IEND: any position after IHDR is valid for iTXt.
            out += itxt_chunk(KEYWORD, token)
        out += png[start:end]
    return bytes(out)


def extract(png: bytes) -> str:
    """The credential text of the first `openbadgecredential` iTXt chunk of `png`."""
    for kind, data, _start, _end in _chunks(png):
        if kind == b"iTXt" and data.split(b"\x00", 1)[0] == KEYWORD:
            return _itxt_text(data)[1]
    raise NoCredential("no openbadgecredential chunk")


def verify_token(token: str, *, check_dates: bool = True) -> dict:
    """The claims of `token` if its signature verifies with the academy's published key (the
    JWKS a third party would fetch); raises ValueError if it does not. `check_dates=False`
    leaves `exp`/`nbf` to the caller: an expired credential is still genuine, and the
    verification page says "expired" from the registry rather than "not ours"."""
    keys = jwk.JWKSet.from_json(json.dumps(badges.jwks()))
    try:
        verified = jwt.JWT(
            jwt=token, key=keys, expected_type="JWS", check_claims=None if check_dates else {}
        )
    except (jws.InvalidJWSSignature, jws.InvalidJWSObject, jwt.JWException, ValueError) as error:
        raise ValueError(f"the credential does not verify: {error}") from error
    claims = json.loads(verified.claims)
    if not isinstance(claims, dict) or "OpenBadgeCredential" not in claims.get("type", []):
        raise ValueError("not an OpenBadgeCredential")
    return claims
