"""Numbers people (or their browsers, or someone's script) put into URLs and forms, read where
no Django form field does it: a query parameter, a list of ids, a button's value.

int() is too generous for input: it takes "²" (str.isdigit() says yes, int() says no), " 12 ",
"1_000", Arabic-Indic digits and 4,300-digit strings, and hands back integers no database
column holds (SQLite and PostgreSQL stop at 2**63 - 1). These take ASCII digits only and say
None for anything else, so the caller answers with a 4xx or a default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The largest value of a 64-bit integer column (PostgreSQL bigint, SQLite INTEGER).
MAX_BIGINT = 2**63 - 1
INTEGER = re.compile(r"-?[0-9]{1,19}")


def parse_int(
    value: str | None, *, minimum: int = -MAX_BIGINT, maximum: int = MAX_BIGINT
) -> int | None:
    """The integer `value` spells, when it is one within [minimum, maximum]; else None."""
    if value is None or not INTEGER.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def parse_ids(values: Iterable[str]) -> list[int] | None:
    """Primary keys (1 … 2**63 - 1), all of them, or None when any one is not a key."""
    ids = [parse_int(value, minimum=1) for value in values]
    return None if any(i is None for i in ids) else ids
