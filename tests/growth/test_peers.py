"""Peer standing on the diagnosis result: percentile, median and the median one stage ahead,
anonymous groups of at least five, widened to the parent industry or all providers when small."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.models import GrowthStage, Industry
from growth.models import DIRECTIONS, Diagnosis
from growth.peers import MIN_GROUP, peer_standing
from tests.factories import ProviderFactory
from tests.growth.factories import admin_of

pytestmark = pytest.mark.django_db


def result(provider, percents: dict[str, int], stage: str, days_ago: int = 1) -> Diagnosis:
    """A completed diagnosis with the given per-direction scores (the peers' stored results)."""
    when = timezone.now() - timedelta(days=days_ago)
    return Diagnosis.objects.create(
        provider=provider,
        questionnaire_version=1,
        snapshot={
            "questions": [],
            "thresholds": {d: [40, 70] for d in DIRECTIONS},
            "stage_from": {"capability": 35, "operations": 60, "expansion": 80},
        },
        state=Diagnosis.State.COMPLETED,
        started_at=when,
        completed_at=when,
        scores={
            d: {"points": p, "max": 100, "percent": p, "level": 1} for d, p in percents.items()
        },
        total_percent=sum(percents.values()) // max(1, len(percents)),
        stage=stage,
    )


def same(percent: int) -> dict[str, int]:
    return dict.fromkeys(DIRECTIONS, percent)


def in_industry(slug: str, stage=GrowthStage.CAPABILITY):
    provider = ProviderFactory(growth_stage=stage)
    provider.industries.set([Industry.objects.get(slug=slug)])
    return provider


@pytest.fixture
def tea():
    catering = Industry.objects.get(slug="catering")
    return Industry.objects.create(name="茶饮", slug="tea-drinks", parent=catering)


def test_standing_within_the_industry_percentile_median_and_ahead(db):
    me = in_industry("catering")
    mine = result(me, same(35), GrowthStage.CAPABILITY)
    for percent in (10, 20, 30, 40, 50):
        result(in_industry("catering", GrowthStage.OPERATIONS), same(percent), "operations")
    result(in_industry("tools"), same(99), GrowthStage.OPERATIONS)  # another industry

    standing = peer_standing(mine, GrowthStage.OPERATIONS)

    assert standing.group.scope == "industry" and standing.group.label == "餐饮"
    assert not standing.widened
    first = standing.directions[0]
    assert first.group_size == 6
    assert first.percentile == 60  # above 10, 20, 30 of the five others
    assert first.median == 32.5  # 10 20 30 [35] 40 50
    assert first.ahead_median == 30 and first.ahead_size == 5
    assert first.ahead_group == standing.group


def test_only_each_peers_latest_result_counts(db):
    me = in_industry("catering")
    mine = result(me, same(50), GrowthStage.CAPABILITY)
    for n in range(5):
        peer = in_industry("catering")
        result(peer, same(90), GrowthStage.OPERATIONS, days_ago=100)  # superseded
        result(peer, same(10 + n), GrowthStage.CAPABILITY, days_ago=2)

    standing = peer_standing(mine, GrowthStage.OPERATIONS)

    assert standing.directions[0].percentile == 100
    assert standing.directions[0].group_size == 6


def test_a_small_industry_widens_to_its_parent_and_says_so(client, tea):
    admin = admin_of(ProviderFactory(growth_stage=GrowthStage.CAPABILITY))
    admin.provider.industries.set([tea])
    mine = result(admin.provider, same(50), GrowthStage.CAPABILITY)
    for _n in range(2):
        result(in_industry("tea-drinks"), same(40), GrowthStage.CAPABILITY)
    for _n in range(2):
        result(in_industry("catering"), same(60), GrowthStage.CAPABILITY)

    standing = peer_standing(mine, GrowthStage.OPERATIONS)

    assert standing.group.scope == "parent" and standing.group.label == "餐饮"
    assert standing.widened and standing.asked_for == "茶饮"
    assert standing.directions[0].group_size == 5
    client.force_login(admin.user)
    body = client.get(reverse("growth:diagnosis_result", args=[mine.pk])).content.decode()
    assert "餐饮" in body
    assert "so the comparison is widened" in body or "比较范围已扩大" in body


def test_too_small_everywhere_widens_to_all_providers_then_hides(db):
    me = in_industry("catering")
    mine = result(me, same(50), GrowthStage.CAPABILITY)
    for _n in range(3):
        result(in_industry("tools"), same(40), GrowthStage.CAPABILITY)

    hidden = peer_standing(mine, GrowthStage.OPERATIONS)
    assert hidden.group is None and hidden.directions == []  # 4 providers: never shown

    result(in_industry("catering"), same(70), GrowthStage.CAPABILITY)
    shown = peer_standing(mine, GrowthStage.OPERATIONS)
    assert shown.group.scope == "all" and shown.widened
    assert shown.directions[0].group_size == MIN_GROUP


def test_the_group_ahead_widens_on_its_own_when_small(db):
    me = in_industry("catering")
    mine = result(me, same(30), GrowthStage.CAPABILITY)
    for _n in range(4):
        result(in_industry("catering"), same(40), GrowthStage.CAPABILITY)
    result(in_industry("catering"), same(80), GrowthStage.OPERATIONS)  # alone ahead in catering
    for percent in (60, 62, 64, 66):
        result(in_industry("tools"), same(percent), GrowthStage.OPERATIONS)

    standing = peer_standing(mine, GrowthStage.OPERATIONS)

    first = standing.directions[0]
    assert standing.group.scope == "industry"
    assert first.ahead_group.scope == "all"  # 1 ahead in catering would be identifiable
    assert first.ahead_median == 64 and first.ahead_size == 5


def test_a_provider_in_several_industries_is_compared_in_its_largest(db):
    me = ProviderFactory(growth_stage=GrowthStage.CAPABILITY)
    me.industries.set(Industry.objects.filter(slug__in=["catering", "self-operated"]))
    mine = result(me, same(50), GrowthStage.CAPABILITY)
    for _n in range(5):
        result(in_industry("catering"), same(40), GrowthStage.CAPABILITY)
    for _n in range(4):
        result(in_industry("self-operated"), same(40), GrowthStage.CAPABILITY)

    assert peer_standing(mine, GrowthStage.OPERATIONS).group.label == "餐饮"


@pytest.mark.parametrize("peers", [6, 40])
def test_peer_standing_runs_a_fixed_number_of_queries(
    peers, django_assert_max_num_queries, django_assert_num_queries
):
    me = in_industry("catering")
    mine = result(me, same(50), GrowthStage.CAPABILITY)
    for n in range(peers):
        result(in_industry("catering", GrowthStage.OPERATIONS), same(n % 100), "operations")
    mine = Diagnosis.objects.select_related("provider").get(pk=mine.pk)
    # 2 for the candidate groups, 1 aggregate per direction: never one per provider.
    with django_assert_num_queries(2 + len(DIRECTIONS)):
        standing = peer_standing(mine, GrowthStage.OPERATIONS)
    assert standing.directions[0].group_size == peers + 1
