"""Where a provider stands among its peers: per direction, its percentile, the group's median and
the median of the providers one stage ahead.

Peers are the other providers' latest completed diagnoses. The figures come from one GROUP BY
query per direction (score → count, with a conditional count per candidate group), so the work
in Python is bounded by 101 possible scores × 4 stages whatever the number of providers.

Anonymity: a group is shown only when it holds at least MIN_GROUP providers (the provider
itself included). Too small an industry widens to its parent industry, then to all providers,
and the page says which group it used; the same holds for the "one stage ahead" group.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from academy.models import GrowthStage, Industry, Provider

from .models import DIRECTIONS, Diagnosis

MIN_GROUP = 5
STAGE_ORDER = [s.value for s in GrowthStage]


@dataclass(frozen=True)
class Group:
    key: str  # count column of the histogram query
    label: str  # "餐饮", or "all providers"
    scope: str  # "industry" | "parent" | "all"
    industry_ids: tuple[int, ...] = ()


@dataclass
class Standing:
    direction: str
    label: str
    percent: int
    group_size: int
    percentile: int  # share of the other providers in the group scoring below (ties count half)
    median: float
    ahead_median: float | None = None
    ahead_size: int = 0
    ahead_group: Group | None = None


@dataclass
class PeerStanding:
    group: Group | None  # None: even all providers are fewer than MIN_GROUP
    widened: bool
    asked_for: str  # the industry the provider is in (what was widened from)
    next_stage: str | None
    directions: list[Standing]
    own_family: tuple[int, ...] = ()  # the provider's industries with their sub-industries


def candidate_groups(provider: Provider) -> list[Group]:
    """The groups to try, narrowest first: each of the provider's industries (with
    sub-industries), their parent industries, then all providers (2 queries)."""
    own = list(provider.industries.select_related("parent"))
    families = dict(
        Industry.objects.filter(
            Q(pk__in=[i.pk for i in own] + [i.parent_id for i in own if i.parent_id])
            | Q(parent_id__in=[i.pk for i in own] + [i.parent_id for i in own if i.parent_id])
            | Q(parent__parent_id__in=[i.pk for i in own])
        ).values_list("pk", "parent_id")
    )

    def family(root: int) -> tuple[int, ...]:
        members = {root}
        for _round in range(2):
            members |= {pk for pk, parent in families.items() if parent in members}
        return tuple(sorted(members))

    groups = [Group(f"i{i.pk}", i.name, "industry", family(i.pk)) for i in own]
    seen = {i.pk for i in own}
    for industry in own:
        if industry.parent_id and industry.parent_id not in seen:
            seen.add(industry.parent_id)
            groups.append(
                Group(
                    f"i{industry.parent_id}",
                    industry.parent.name,
                    "parent",
                    family(industry.parent_id),
                )
            )
    groups.append(Group("all", _("all providers"), "all"))
    return groups


def latest_completed() -> Q:
    """Diagnoses that are their provider's latest completed one."""
    newer = Diagnosis.objects.filter(
        provider_id=OuterRef("provider_id"),
        state=Diagnosis.State.COMPLETED,
        completed_at__gt=OuterRef("completed_at"),
    )
    return Q(state=Diagnosis.State.COMPLETED) & ~Q(Exists(newer))


def _in_group(group: Group):
    if group.scope == "all":
        return Q()
    serves = Provider.industries.through.objects.filter(
        provider_id=OuterRef("provider_id"), industry_id__in=group.industry_ids
    )
    return Q(Exists(serves))


def histogram(direction: str, groups: list[Group], exclude_provider: int) -> list[dict]:
    """Rows of (stage, score, one count per group) over the other providers' latest results."""
    return list(
        Diagnosis.objects.filter(latest_completed(), scores__has_key=direction)
        .exclude(provider_id=exclude_provider)
        .annotate(score=Cast(KT(f"scores__{direction}__percent"), IntegerField()))
        .values("stage", "score")
        .annotate(**{g.key: Count("pk", filter=_in_group(g)) for g in groups})
        .order_by()
    )


def _median(counts: dict[int, int]) -> float:
    total = sum(counts.values())
    if not total:
        return 0.0
    lower, upper = (total - 1) // 2, total // 2  # 0-based positions of the middle value(s)
    seen, found = 0, []
    for value in sorted(counts):
        for position in (lower, upper):
            if seen <= position < seen + counts[value]:
                found.append(value)
        seen += counts[value]
    return sum(found) / len(found)


def _counts(rows: list[dict], key: str, stage: str | None = None) -> dict[int, int]:
    counts: dict[int, int] = {}
    for row in rows:
        if row["score"] is None or (stage and row["stage"] != stage):
            continue
        counts[row["score"]] = counts.get(row["score"], 0) + row[key]
    return {k: v for k, v in counts.items() if v}


def _choose(groups: list[Group], sizes: dict[str, int]) -> Group | None:
    """The narrowest group with enough providers: among the provider's own industries the
    largest (a provider serving several is compared where the figures are most reliable)."""
    own = [g for g in groups if g.scope == "industry" and sizes[g.key] + 1 >= MIN_GROUP]
    if own:
        return max(own, key=lambda g: sizes[g.key])
    for group in groups:
        if group.scope != "industry" and sizes[group.key] + 1 >= MIN_GROUP:
            return group
    return None


def peer_standing(diagnosis: Diagnosis, next_stage: str | None) -> PeerStanding:
    """The provider's standing per direction (2 + one query per direction)."""
    provider = diagnosis.provider
    groups = candidate_groups(provider)
    own_names = ", ".join(g.label for g in groups if g.scope == "industry")
    standings = []
    chosen: Group | None = None
    for direction in DIRECTIONS:
        mine = diagnosis.scores.get(direction)
        if not mine:
            continue
        rows = histogram(direction, groups, provider.pk)
        sizes = {g.key: sum(_counts(rows, g.key).values()) for g in groups}
        if chosen is None:
            chosen = _choose(groups, sizes)
            if chosen is None:
                break
        counts = _counts(rows, chosen.key)
        others = sum(counts.values())
        below = sum(n for score, n in counts.items() if score < mine["percent"])
        ties = counts.get(mine["percent"], 0)
        standing = Standing(
            direction=direction,
            label=str(GrowthStage(direction).label),
            percent=mine["percent"],
            group_size=others + 1,
            percentile=round(100 * (below + ties / 2) / others) if others else 0,
            median=_median({**counts, mine["percent"]: ties + 1}),
        )
        if next_stage:
            # The providers ahead are a group of their own: below MIN_GROUP it widens too.
            start = groups.index(chosen)
            for group in groups[start:]:
                if group.scope == "industry" and group != chosen:
                    continue
                ahead = _counts(rows, group.key, stage=next_stage)
                if sum(ahead.values()) >= MIN_GROUP:
                    standing.ahead_median = _median(ahead)
                    standing.ahead_size = sum(ahead.values())
                    standing.ahead_group = group
                    break
        standings.append(standing)
    return PeerStanding(
        group=chosen,
        widened=chosen is not None and chosen.scope != "industry",
        asked_for=own_names,
        next_stage=next_stage,
        directions=standings if chosen else [],
        own_family=tuple(
            sorted({pk for g in groups if g.scope == "industry" for pk in g.industry_ids})
        ),
    )
