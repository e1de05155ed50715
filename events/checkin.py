"""Check-in codes and the QR tokens that carry them.

Every registration has two things a person can show at the door:

- a short random *code* (8 characters, shown as ABCD-EFGH) that staff can type or search for;
- a signed *token* in the QR code: ``PA1-<event id>-<registration id>-<MAC>``. The MAC is an HMAC
  (Django's SECRET_KEY, its own salt) over the event, the registration, the person and the code,
  so a token cannot be guessed, nor edited to point at another person or another event.

The token uses only upper-case letters, digits and "-", which QR codes store in their compact
alphanumeric mode: the code stays small enough to scan from a phone screen in poor light.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import segno
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TOKEN_PREFIX = "PA1"
# No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_SALT = "events.checkin.token"
_TOKEN = re.compile(rf"^{TOKEN_PREFIX}-(\d{{1,12}})-(\d{{1,12}})-([A-Z2-7]{{24}})$")
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


@dataclass(frozen=True)
class Token:
    event_id: int
    registration_id: int
    mac: str


def new_code() -> str:
    """A fresh random check-in code (31^8 ≈ 8.5 × 10^11 possibilities)."""
    return get_random_string(CODE_LENGTH, CODE_ALPHABET)


def normalise_code(text: str) -> str:
    """What staff typed, as stored: upper case, without spaces and dashes."""
    return re.sub(r"[\s\-_.]", "", (text or "").upper())


def is_code(text: str) -> bool:
    return bool(_CODE.match(normalise_code(text)))


def _mac(event_id: int, registration_id: int, user_id: int, code: str) -> str:
    message = f"{event_id}:{registration_id}:{user_id}:{code}"
    digest = salted_hmac(_SALT, message, algorithm="sha256").digest()
    return base64.b32encode(digest[:15]).decode("ascii")  # 120 bits, 24 characters


def token_for(registration) -> str:
    """The signed token the registration's QR code carries."""
    mac = _mac(registration.event_id, registration.pk, registration.user_id, registration.code)
    return f"{TOKEN_PREFIX}-{registration.event_id}-{registration.pk}-{mac}"


def parse_token(text: str) -> Token | None:
    """The token's parts, or None when the text is not shaped like a token at all."""
    match = _TOKEN.match((text or "").strip().upper())
    if not match:
        return None
    return Token(int(match[1]), int(match[2]), match[3])


def token_matches(registration, token: Token) -> bool:
    """Whether `token` was issued for exactly this registration (and so its event and person)."""
    if token.registration_id != registration.pk or token.event_id != registration.event_id:
        return False
    expected = _mac(registration.event_id, registration.pk, registration.user_id, registration.code)
    return constant_time_compare(expected, token.mac)


def qr_svg(registration, label: str) -> SafeString:
    """The registration's QR code as inline SVG, scalable with CSS, labelled for screen readers."""
    qr = segno.make(token_for(registration), error="m")
    svg = qr.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr-code", lineclass=None)
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))
