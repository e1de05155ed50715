"""What a learner should learn next: one answer for every screen that recommends.

The recommendation engine is growth's (growth/recommendations.py): it reads the company's
diagnosis and its priorities, which courses may not import. It registers on the RECOMMENDER
hook and answers with a LearningFocus (growth stages in the order to work on them, and why);
`choose_from` turns a focus into the one path to follow. The catalogue and My academy call
`recommend_learning(user)`, growth's result page calls `choose` with the same focus, so no two
screens can disagree. Without a registered engine the company's growth stage is the focus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from wagtail import hooks

from academy import fragments
from academy.localisation import originals
from academy.models import GrowthStage

from .models import CoursePage

RECOMMENDER = "courses_learning_recommender"


@dataclass
class LearningFocus:
    stages: list[str]  # growth stages (directions) in the order to work on them
    reasons: dict[str, str] = field(default_factory=dict)  # stage → why, in the reader's words


class LearningRecommendation:
    def __init__(self, stage: str, path, paths: list, reason: str = ""):
        self.stage = stage  # the growth stage of the recommended learning
        self.path = path  # selectors.PathProgress: the one path to follow now, or None
        self.paths = paths  # every path given, the recommended one first
        self.reason = reason

    @cached_property
    def next_course(self) -> CoursePage | None:
        """The path's next course, else the first course of the stage (1 query then)."""
        if self.path is not None and self.path.next_course is not None:
            return self.path.next_course
        return (
            originals(CoursePage.objects.live())
            .public()
            .filter(growth_stage=self.stage)
            .select_related("product")
            .order_by("path")
            .first()
        )


def choose_from(paths: list, focus: LearningFocus) -> LearningRecommendation:
    """The first unfinished path of the first stage in the focus that has one (no query)."""
    stages = [s for s in focus.stages if s in GrowthStage.values] or [GrowthStage.CREATE.value]
    rank = {stage: n for n, stage in enumerate(stages)}
    paths = sorted(
        paths, key=lambda p: (rank.get(p.path.growth_stage, len(stages)), p.path.sort_order)
    )
    path = next(
        (p for p in paths if p.path.growth_stage in rank and not p.is_complete and p.total), None
    )
    if path is not None:  # the one to follow now leads, finished paths of its stage after it
        paths.remove(path)
        paths.insert(0, path)
    stage = path.path.growth_stage if path else stages[0]
    return LearningRecommendation(stage, path, paths, focus.reasons.get(stage, ""))


def choose(user, focus: LearningFocus) -> LearningRecommendation:
    from .selectors import learning_paths

    return choose_from(learning_paths(user), focus)


def focus_for(user) -> LearningFocus:
    if user is not None and user.is_authenticated:
        # What decides it (membership, diagnoses, the company's stage) bumps the content
        # version when written, so it is kept per reader until then (academy/fragments.py).
        return fragments.versioned("learning-focus", (user.pk,), lambda: _focus_for(user))
    return _focus_for(user)


def _focus_for(user) -> LearningFocus:
    for engine in hooks.get_hooks(RECOMMENDER):
        found = engine(user)
        if found is not None:
            return found
    from .selectors import provider_stage

    return LearningFocus([provider_stage(user)])


def recommend_learning(user, paths: list | None = None) -> LearningRecommendation:
    """The recommendation for `user`; `paths` when the page has them already. Kept on the
    request's user object: My academy asks from two sections and must not pay twice."""
    cached = getattr(user, "_learning_recommendation", None)
    if cached is not None:
        return cached
    if paths is None:
        from .selectors import learning_paths

        paths = learning_paths(user)
    found = choose_from(paths, focus_for(user))
    user._learning_recommendation = found
    return found
