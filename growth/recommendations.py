"""The recommendation engine: from a diagnosis, what to do first and what to learn.

Every screen that recommends asks here: the diagnosis result (`recommend`), My academy and the
course catalogue (through courses' RECOMMENDER hook, `learning_for`, registered in
wagtail_hooks.py), and the action plan (its recommended items are the priorities' actions). The
learning path is chosen by `courses.recommending.choose` from the priorities' directions in rank
order, so the same user sees the same path on every screen.

Priorities: the three directions furthest from what the next stage needs, each gap weighted by
how much that stage rests on the direction (its own direction most, the earlier ones next, the
later ones least).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.localisation import originals
from academy.models import GrowthStage, Industry, Membership, Provider
from courses.models import CaseStudyPage, CoursePage
from courses.recommending import LearningFocus, LearningRecommendation, choose
from events.models import EventPage

from .models import DIRECTIONS, Diagnosis
from .peers import Group, PeerStanding, peer_standing

STAGE_ORDER = [s.value for s in GrowthStage]
TOP_PRIORITIES = 3


def next_stage(stage: str) -> str:
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[min(index + 1, len(STAGE_ORDER) - 1)]


# --- Priorities -----------------------------------------------------------------------------------


@dataclass
class Action:
    kind: str  # "course" | "event" | "case"
    page: object  # the CoursePage, EventPage or CaseStudyPage


@dataclass
class Priority:
    rank: int
    direction: str
    label: str
    percent: int
    target: int
    weight: int
    why: str
    actions: list[Action] = field(default_factory=list)

    @property
    def gap(self) -> int:
        return max(0, self.target - self.percent)

    def first(self, kind: str):
        return next((a.page for a in self.actions if a.kind == kind), None)


def weight(direction: str, ahead: str) -> int:
    """How much the stage `ahead` rests on a direction: its own most, then its foundations."""
    d, a = STAGE_ORDER.index(direction), STAGE_ORDER.index(ahead)
    return 3 if d == a else 2 if d < a else 1


def _target(snapshot: dict, direction: str, ahead: str, at_top: bool) -> int:
    return snapshot["thresholds"][direction][1] if at_top else snapshot["stage_from"][ahead]


def priorities(diagnosis: Diagnosis) -> list[Priority]:
    """The top three directions, ranked by gap to the next stage × weight (no query).

    The gap is measured to the share of points the next stage starts at; at the last stage,
    to the direction's "established" threshold. Ties go to the heavier weight, then the lower
    score, then the growth plan's order.
    """
    stage = diagnosis.stage
    ahead = next_stage(stage)
    at_top = ahead == stage
    snapshot = diagnosis.snapshot
    candidates = []
    for direction in DIRECTIONS:
        score = diagnosis.scores.get(direction)
        if not score:
            continue
        target = _target(snapshot, direction, ahead, at_top)
        w = weight(direction, ahead)
        gap = max(0, target - score["percent"])
        candidates.append((gap * w, w, -score["percent"], -DIRECTIONS.index(direction), direction))
    candidates.sort(reverse=True)
    ranked = []
    for rank, (_weighted, w, minus_percent, _order, direction) in enumerate(
        candidates[:TOP_PRIORITIES], start=1
    ):
        label = str(GrowthStage(direction).label)
        ahead_label = str(GrowthStage(ahead).label)
        if at_top:
            why = _("Keep %(direction)s established at the last stage.") % {"direction": label}
        elif w == 3:
            why = _("%(stage)s, your next stage, rests on this direction most.") % {
                "stage": ahead_label
            }
        elif w == 2:
            why = _("A foundation that %(stage)s, your next stage, needs.") % {"stage": ahead_label}
        else:
            why = _("Beyond your next stage: start early where it costs little.")
        target = _target(snapshot, direction, ahead, at_top)
        ranked.append(Priority(rank, direction, label, -minus_percent, target, w, why))
    return ranked


# --- Industries and benchmark cases -------------------------------------------------------------


def industry_family(industry_ids) -> list[int]:
    """Industries with their sub-industries (two levels deep)."""
    ids = list(industry_ids)
    if not ids:
        return []
    return list(
        Industry.objects.filter(
            Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids)
        ).values_list("pk", flat=True)
    )


def related_industries(own: list[int]) -> list[int]:
    """Industries next to the provider's: siblings under the same parent, and the industries
    that providers of the same industries also serve (with their sub-industries)."""
    if not own:
        return []
    parents = Industry.objects.filter(pk__in=own, parent__isnull=False).values("parent_id")
    co_served = Provider.industries.through.objects.filter(provider__industries__in=own).values(
        "industry_id"
    )
    return list(
        Industry.objects.filter(
            Q(pk__in=parents)
            | Q(parent_id__in=parents)
            | Q(pk__in=co_served)
            | Q(parent_id__in=co_served)
        )
        .exclude(pk__in=own)
        .values_list("pk", flat=True)
    )


@dataclass
class Benchmarks:
    cases: list[CaseStudyPage]
    scope: str  # "industry" | "related" | "other": how far the search had to go


def benchmark_cases(
    provider: Provider,
    stage: str,
    primary: Group | None = None,
    limit: int = 3,
    own: tuple[int, ...] | None = None,
) -> Benchmarks:
    """Cases of the provider's own industry first (the one it is compared in before its other
    ones), then related industries, then any; within each, cases by providers at `stage` first.
    The provider's own cases are not benchmarks for it."""
    if own is None:
        own = industry_family(provider.industries.values_list("pk", flat=True))
    own = list(own)
    main = list(primary.industry_ids) if primary and primary.scope == "industry" else own
    related = related_industries(own)
    cases = (
        originals(CaseStudyPage.objects.live())
        .public()
        .exclude(provider_id=provider.pk)
        .annotate(
            closeness=Case(
                When(industry_id__in=main, then=Value(0)),
                When(industry_id__in=own, then=Value(1)),
                When(industry_id__in=related, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
            at_stage=Case(
                When(provider__growth_stage=stage, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .select_related("industry", "industry__parent", "provider")
        .order_by("closeness", "at_stage", "-first_published_at", "pk")
    )
    found = list(cases[:limit])
    furthest = max((c.closeness for c in found), default=0)
    scope = "industry" if furthest <= 1 else "related" if furthest == 2 else "other"
    return Benchmarks(found, scope)


def events_for(provider: Provider, keywords: dict[str, list[str]]) -> list:
    """Upcoming events naming one of the keywords, the provider's city first (1 query); each
    gets `.directions`, the directions whose keywords it names."""
    words = {w for ws in keywords.values() for w in ws}
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(title__icontains=word) | Q(summary__icontains=word)
    events = list(
        originals(EventPage.objects.live())
        .public()
        .filter(match, start__gte=timezone.now(), cancelled_at__isnull=True)
        .annotate(
            here=Case(
                When(city=provider.city, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("here", "start")[:20]
    )
    for event in events:
        text = f"{event.title} {event.summary}"
        event.directions = {d for d, ws in keywords.items() if any(w in text for w in ws)}
    return events


# --- The engine ---------------------------------------------------------------------------------


@dataclass
class Recommendation:
    diagnosis: Diagnosis
    next_stage: str
    at_top: bool
    priorities: list[Priority]
    learning: LearningRecommendation
    peers: PeerStanding
    benchmarks: Benchmarks
    events: list


def learning_reason(priority: Priority) -> str:
    return _("Priority %(rank)d of your diagnosis: %(direction)s") % {
        "rank": priority.rank,
        "direction": priority.label,
    }


def focus(ranked: list[Priority]) -> LearningFocus:
    """The learning focus of a diagnosis: its priorities' directions in rank order, then the
    other directions in the growth plan's order."""
    stages = [p.direction for p in ranked]
    stages += [d for d in DIRECTIONS if d not in stages]
    return LearningFocus(stages, {p.direction: learning_reason(p) for p in ranked})


def _learning(user, ranked: list[Priority]) -> LearningRecommendation:
    return choose(user, focus(ranked))


def recommend(diagnosis: Diagnosis, user) -> Recommendation:
    """Everything the result page recommends, from one diagnosis."""
    ranked = priorities(diagnosis)
    ahead = next_stage(diagnosis.stage)
    at_top = ahead == diagnosis.stage
    peers = peer_standing(diagnosis, None if at_top else ahead)
    learning = _learning(user, ranked)
    benchmarks = benchmark_cases(diagnosis.provider, ahead, peers.group, own=peers.own_family)
    keywords = diagnosis.snapshot.get("event_keywords", {})
    events = events_for(
        diagnosis.provider, {p.direction: keywords.get(p.direction, []) for p in ranked}
    )
    _attach_actions(ranked, learning, benchmarks, events)
    return Recommendation(diagnosis, ahead, at_top, ranked, learning, peers, benchmarks, events[:3])


def _attach_actions(ranked, learning, benchmarks, events) -> None:
    """One course, one event and one case per priority where there is one (1 query)."""
    directions = [p.direction for p in ranked]
    by_stage: dict[str, CoursePage] = {}
    for progress in learning.paths:
        stage = progress.path.growth_stage
        if stage in directions and stage not in by_stage and progress.next_course:
            by_stage[stage] = progress.next_course
    missing = [d for d in directions if d not in by_stage]
    if missing:
        for course in (
            originals(CoursePage.objects.live())
            .public()
            .filter(growth_stage__in=missing)
            .order_by("path")[:50]
        ):
            by_stage.setdefault(course.growth_stage, course)
    used_events, used_cases = set(), set()
    for priority in ranked:
        if priority.direction in by_stage:
            priority.actions.append(Action("course", by_stage[priority.direction]))
        event = next(
            (e for e in events if priority.direction in e.directions and e.pk not in used_events),
            None,
        )
        if event is not None:
            used_events.add(event.pk)
            priority.actions.append(Action("event", event))
        case = next((c for c in benchmarks.cases if c.pk not in used_cases), None)
        if case is not None:
            used_cases.add(case.pk)
            priority.actions.append(Action("case", case))


def learning_for(user) -> LearningFocus | None:
    """courses' RECOMMENDER hook: the focus My academy and the catalogue recommend from.

    The latest diagnosis's priorities; without one, the company's stage (2 queries at most)."""
    if not user.is_authenticated:
        return None
    newest = (
        Diagnosis.objects.filter(
            provider_id=OuterRef("provider_id"), state=Diagnosis.State.COMPLETED
        )
        .order_by("-completed_at")
        .values("pk")[:1]
    )
    membership = (
        Membership.objects.filter(user_id=user.pk)
        .select_related("provider")
        .annotate(latest_id=Subquery(newest))
        .first()
    )
    if membership is None:
        return LearningFocus([GrowthStage.CREATE.value])
    if membership.latest_id is None:
        return LearningFocus([membership.provider.growth_stage])
    latest = Diagnosis.objects.get(pk=membership.latest_id)
    return focus(priorities(latest))
