"""Partner matching: how well a provider's approved services answer a partnership need.

Pure functions over plain data (a need's tags, a profile's approved copy), so the scoring is
tested without a database and reads the same in the team page and the e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from academy.script import fold

# What each kind of agreement is worth. A service of the wanted type is the heart of a match;
# the product and the city narrow it; a keyword found in a service's words breaks ties.
KIND_POINTS = 4
PRODUCT_POINTS = 3
CITY_POINTS = 2
KEYWORD_POINTS = 1


@dataclass(frozen=True)
class NeedTags:
    kind: str = ""
    products: frozenset[str] = frozenset()
    city: str = ""
    keywords: tuple[str, ...] = ()


@dataclass
class Match:
    score: int = 0
    reasons: list[str] = field(
        default_factory=list
    )  # codes: kind, product:<slug>, city, keyword:<w>


def score_match(need: NeedTags, published: dict) -> Match:
    """Score one approved profile copy against a need: the best-matching service counts for the
    type and products, the profile's cities for the city. Zero when nothing agrees."""
    best = Match()
    cities = {fold(c) for c in published.get("cities", [])}
    for service in published.get("services", []):
        match = Match()
        if need.kind and service.get("kind") == need.kind:
            match.score += KIND_POINTS
            match.reasons.append("kind")
        for slug in sorted(need.products & set(service.get("products", []))):
            match.score += PRODUCT_POINTS
            match.reasons.append(f"product:{slug}")
        words = fold(f"{service.get('title', '')} {service.get('description', '')}")
        for keyword in need.keywords:
            if keyword and fold(keyword) in words:
                match.score += KEYWORD_POINTS
                match.reasons.append(f"keyword:{keyword}")
        if match.score > best.score:
            best = match
    if best.score and need.city and fold(need.city) in cities:
        best.score += CITY_POINTS
        best.reasons.append("city")
    return best
