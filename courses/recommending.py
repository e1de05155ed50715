"""What a learner should learn next: one answer for every screen that recommends.

The recommendation engine is growth's (growth/recommendations.py): it reads the company's
diagnosis and its priorities, which courses may not import. It registers itself on the
RECOMMENDER hook; the catalogue and My academy ask `recommend_learning(user)`, and growth's own
pages call the same engine, so no two screens can disagree. Without a registered engine (growth
not installed) the company's growth stage decides, with the same path-choosing rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wagtail import hooks

from academy.localisation import originals
from academy.models import GrowthStage

from .models import CoursePage

RECOMMENDER = "courses_learning_recommender"


@dataclass
class LearningRecommendation:
    stage: str  # the growth stage of the recommended learning
    path: object | None  # selectors.PathProgress: the one path to follow now
    next_course: CoursePage | None
    paths: list = field(default_factory=list)  # every path, recommended order first
    reason: str = ""  # why, in the reader's words ("Priority 1 of your diagnosis: …")


def choose(user, stages: list[str], reason: str = "") -> LearningRecommendation:
    """The first unfinished path of the first stage in `stages` that has one; the next course is
    that path's next, else the first course of that stage (4 queries)."""
    from .selectors import learning_paths

    stages = [s for s in stages if s in GrowthStage.values] or [GrowthStage.CREATE.value]
    paths = learning_paths(user)
    rank = {stage: n for n, stage in enumerate(stages)}
    paths.sort(key=lambda p: (rank.get(p.path.growth_stage, len(stages)), p.path.sort_order))
    path = next(
        (p for p in paths if p.path.growth_stage in rank and not p.is_complete and p.total), None
    )
    if path is not None:  # the one to follow now leads, finished paths of its stage after it
        paths.remove(path)
        paths.insert(0, path)
    stage = path.path.growth_stage if path else stages[0]
    next_course = path.next_course if path else None
    if next_course is None:
        next_course = (
            originals(CoursePage.objects.live())
            .public()
            .filter(growth_stage=stage)
            .select_related("product")
            .order_by("path")
            .first()
        )
    return LearningRecommendation(stage, path, next_course, paths, reason)


def recommend_learning(user) -> LearningRecommendation:
    """The recommendation for `user`, kept on the request's user object: My academy asks from
    two sections and must not pay twice."""
    cached = getattr(user, "_learning_recommendation", None)
    if cached is not None:
        return cached
    found = None
    for engine in hooks.get_hooks(RECOMMENDER):
        found = engine(user)
        if found is not None:
            break
    if found is None:
        from .selectors import provider_stage

        found = choose(user, [provider_stage(user)])
    user._learning_recommendation = found
    return found
