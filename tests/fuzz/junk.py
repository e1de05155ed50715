"""Junk input for the fuzz tests: values no form on the site should take, grouped by kind.

Each kind is a list of variants; a query or a form gets one kind at a time, its parameters
cycling through the variants, so that every variant reaches some parameter of every route.
"""

from __future__ import annotations

from urllib.parse import urlencode

TEN_KB = 10 * 1024

KINDS: dict[str, list[str]] = {
    # Numbers no column holds: past SQLite's and PostgreSQL's 64-bit integers, negative,
    # a float that overflows to inf, and digits that isdigit() accepts but int() refuses.
    "huge": ["99999999999999999999999", "-1", str(2**63), "1e309", "²", "-0", "NaN"],
    # PostgreSQL refuses NUL in text: whatever lets one through to a query is a 500 there.
    "nul": ["\x00", "x\x00y", "1\x00", "%00\x00"],
    "unicode": ["😀", "𠮷野家", "\u202eevil\u202c", "\ufeff1", "ǅ", "\u200b", "\ud7ff"],
    # What a search or a template engine might take for syntax (SQLite's FTS query language
    # among them), markup, and a path out of the site.
    "syntax": [
        '"><img src=x>',
        "' OR '1'='1",
        '"unbalanced',
        "a* NOT (b",
        "%_\\",
        "../..",
        "{{7*7}}",
    ],
    "long": ["x" * TEN_KB, "𠮷" * (TEN_KB // 4), "1" * TEN_KB],
    "empty": ["", " ", "\t"],
}

# Parameters that views read whatever the route (pagination, search, the listings' filters);
# tests/fuzz/urlmap.py adds every name the project's code reads from request.GET.
GENERIC_PARAMS = [
    "page",
    "p",
    "query",
    "q",
    "search",
    "offset",
    "limit",
    "order",
    "ordering",
    "sort",
    "city",
    "industry",
    "product",
    "stage",
    "type",
    "kind",
    "month",
    "year",
    "from",
    "to",
    "date_from",
    "date_to",
    "status",
    "state",
    "format",
    "event",
    "exam",
    "programme",
    "next",
    "id",
    "pk",
    "locale",
    "content_type",
    "collection_id",
    "tag",
    "fields",
    "child_of",
    "descendant_of",
    "attendance",
    "passed",
    "origin",
    "cycle",
    "action",
    "level",
    "specialty",
]


def query_values(kind: str, params: list[str], offset: int = 0) -> dict[str, list[str]]:
    """{param: values} with every parameter set to a variant of `kind` (which one turns with
    `offset`, so that routes differ); "lists" repeats each parameter with a harmless value
    first (?a=1&a=junk), as a view reading .get() sees the last."""
    if kind == "lists":
        # No NUL here: a NUL anywhere is refused before any view reads the rest.
        junk = [v for k, vs in KINDS.items() if k != "nul" for v in vs if len(v) < 100]
        return {p: ["1", junk[(offset + i) % len(junk)]] for i, p in enumerate(params)}
    variants = KINDS[kind]
    if kind == "long":
        # 10 kB in every parameter would make each query half a megabyte, which the pages
        # copy into every pagination and language link: every third one is enough.
        return {
            p: [variants[(offset + i) % len(variants)] if (offset + i) % 3 == 0 else "x"]
            for i, p in enumerate(params)
        }
    return {p: [variants[(offset + i) % len(variants)]] for i, p in enumerate(params)}


def query_string(kind: str, params: list[str], offset: int = 0) -> str:
    return urlencode(query_values(kind, params, offset), doseq=True)


ALL_KINDS = [*KINDS, "lists"]


def form_value(kind: str, index: int = 0) -> str:
    """One junk value of `kind` for a form field (the index picks the variant)."""
    if kind == "lists":
        kind = "unicode"
    variants = KINDS[kind]
    return variants[index % len(variants)]
