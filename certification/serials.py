"""Certificate serials: short, typable, unguessable, with a check character.

Format `XXXX-XXXX-XXXC`: eleven random symbols of Crockford's base32 (55 bits from `secrets`,
so guessing a valid serial is hopeless) and one check symbol (Luhn mod 32, in the same
alphabet so the serial stays URL- and phone-keyboard-friendly), which catches every
single-symbol typo and nearly every swap of neighbours before the database is asked. Reading is forgiving: case, hyphens, spaces and the look-alikes O→0, I/L→1 are
folded.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 11
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHAPE = re.compile(rf"^[{ALPHABET}]{{{RANDOM_LENGTH + 1}}}$")
N = len(ALPHABET)


def check_symbol(body: str) -> str:
    """Luhn mod N: double every second symbol from the right, fold, and complete to N."""
    total, factor = 0, 2
    for symbol in reversed(body):
        addend = factor * ALPHABET.index(symbol)
        total += addend // N + addend % N
        factor = 1 if factor == 2 else 2
    return ALPHABET[(N - total % N) % N]


def _group(compact: str) -> str:
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def new_serial() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return _group(body + check_symbol(body))


def normalise(text: str) -> str | None:
    """The canonical serial for what someone typed, or None if it cannot be one (bad check)."""
    compact = re.sub(r"[\s\-]", "", (text or "").upper()).translate(_FOLD)
    if not _SHAPE.match(compact):
        return None
    body, check = compact[:-1], compact[-1]
    if check_symbol(body) != check:
        return None
    return _group(compact)
