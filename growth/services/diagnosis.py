"""Taking the diagnosis, scoring it, and keeping Provider.growth_stage in step with it.

Invariant: a provider has at most one draft (a conditional unique constraint); starting takes a
row lock on the provider so two admins pressing "start" at once resume the same draft instead of
failing on the constraint. Scoring reads only the diagnosis's own snapshot of the questionnaire.

Who may act: completing a diagnosis sets the company's growth stage, so only the company's
administrators start, answer and complete it; members read the results. Staff who may set a stage
by hand (the stage-override permission) may also record one (the demo does, for companies without
an administrator). Every service checks it, whatever page called it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.models import GrowthStage, Membership, Provider

from ..models import DIRECTIONS, Diagnosis, Level, Questionnaire, StageOverride
from . import GrowthError


@dataclass(frozen=True)
class Score:
    points: int
    max: int
    percent: int
    level: int


def active_questionnaire() -> Questionnaire | None:
    return (
        Questionnaire.objects.filter(active=True)
        .prefetch_related("direction_thresholds")
        .order_by("-updated_at", "-pk")
        .first()
    )


def membership_of(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("provider").filter(user_id=user.pk).first()


def current_draft(provider: Provider) -> Diagnosis | None:
    return Diagnosis.objects.filter(provider=provider, state=Diagnosis.State.DRAFT).first()


STAGE_STAFF_PERMISSION = "growth.add_stageoverride"


def may_take_diagnosis(user, provider_id: int) -> bool:
    """Whether `user` may start, answer or complete the diagnosis of the provider."""
    if user is None or not user.is_authenticated:
        return False
    is_admin = Membership.objects.filter(
        user_id=user.pk, provider_id=provider_id, role=Membership.Role.ADMIN
    ).exists()
    return is_admin or user.has_perm(STAGE_STAFF_PERMISSION)


def _check_may_act(user, provider_id: int) -> None:
    if not may_take_diagnosis(user, provider_id):
        raise GrowthError(
            _(
                "Only your company's administrators take the diagnosis, because its result sets "
                "the company's growth stage. You can read the results and the history."
            ),
            403,
        )


@transaction.atomic
def start_diagnosis(user, provider: Provider) -> Diagnosis:
    """The provider's draft, resumed if there is one, else a new one on the active questionnaire."""
    _check_may_act(user, provider.pk)
    Provider.objects.select_for_update().get(pk=provider.pk)  # serialises concurrent starts
    draft = current_draft(provider)
    if draft is not None:
        return draft
    questionnaire = active_questionnaire()
    if questionnaire is None or not questionnaire.questions:
        raise GrowthError(_("The diagnosis is not available yet. Please try again later."), 404)
    return Diagnosis.objects.create(
        provider=provider,
        questionnaire=questionnaire,
        questionnaire_version=questionnaire.version,
        snapshot=questionnaire.snapshot(),
        started_by=user,
    )


def _lock_draft(diagnosis: Diagnosis) -> Diagnosis:
    locked = Diagnosis.objects.select_for_update().get(pk=diagnosis.pk)
    if locked.state != Diagnosis.State.DRAFT:
        raise GrowthError(_("This diagnosis is already completed."))
    return locked


@transaction.atomic
def save_answers(diagnosis: Diagnosis, answers: dict[str, int], *, by) -> Diagnosis:
    """Keep answers given so far (partial is fine), merging them into what was saved before."""
    _check_may_act(by, diagnosis.provider_id)
    diagnosis = _lock_draft(diagnosis)
    by_id = {q["id"]: q for q in diagnosis.questions}
    for question_id, index in answers.items():
        question = by_id.get(question_id)
        if question is None or not (0 <= int(index) < len(question["answers"])):
            raise GrowthError(_("One of the answers does not belong to this diagnosis."), 400)
        diagnosis.answers[question_id] = int(index)
    diagnosis.save(update_fields=["answers"])
    return diagnosis


def unanswered(diagnosis: Diagnosis) -> list[dict]:
    return [q for q in diagnosis.questions if q["id"] not in diagnosis.answers]


def score(snapshot: dict, answers: dict[str, int]) -> tuple[dict[str, Score], int, str]:
    """Levels per direction, the total in per cent and the overall stage.

    A direction's level is its points as a share of its maximum, placed by that direction's
    thresholds (at the threshold counts as reached). The stage comes from the total share.
    """
    points = dict.fromkeys(DIRECTIONS, 0)
    maximum = dict.fromkeys(DIRECTIONS, 0)
    for question in snapshot["questions"]:
        direction = question["direction"]
        maximum[direction] += max(a["points"] for a in question["answers"])
        index = answers.get(question["id"])
        if index is not None:
            points[direction] += question["answers"][index]["points"]
    scores = {}
    for direction in DIRECTIONS:
        if not maximum[direction]:
            continue
        percent = round(100 * points[direction] / maximum[direction])
        developing, established = snapshot["thresholds"][direction]
        level = (
            Level.ESTABLISHED
            if percent >= established
            else Level.DEVELOPING
            if percent >= developing
            else Level.GAP
        )
        scores[direction] = Score(points[direction], maximum[direction], percent, int(level))
    total_max = sum(maximum.values())
    total = round(100 * sum(points.values()) / total_max) if total_max else 0
    stage = GrowthStage.CREATE.value
    for candidate in (GrowthStage.CAPABILITY, GrowthStage.OPERATIONS, GrowthStage.EXPANSION):
        if total >= snapshot["stage_from"][candidate.value]:
            stage = candidate.value
    return scores, total, stage


@transaction.atomic
def complete_diagnosis(diagnosis: Diagnosis, *, by) -> Diagnosis:
    """Score a fully answered draft, keep the result and move the provider to its stage."""
    _check_may_act(by, diagnosis.provider_id)
    diagnosis = _lock_draft(diagnosis)
    missing = unanswered(diagnosis)
    if missing:
        raise GrowthError(
            _("Please answer every question first (%(count)d left).") % {"count": len(missing)},
            400,
        )
    scores, total, stage = score(diagnosis.snapshot, diagnosis.answers)
    diagnosis.scores = {d: s.__dict__ for d, s in scores.items()}
    diagnosis.total_percent = total
    diagnosis.stage = stage
    diagnosis.state = Diagnosis.State.COMPLETED
    diagnosis.completed_at = timezone.now()
    diagnosis.save()
    # The provider's stage follows its latest result (an earlier staff override is superseded).
    Provider.objects.filter(pk=diagnosis.provider_id).update(growth_stage=stage)
    return diagnosis


@transaction.atomic
def override_stage(provider: Provider, stage: str, reason: str, by) -> StageOverride:
    """Staff set the provider's stage by hand; the reason is required and kept."""
    if stage not in GrowthStage.values:
        raise GrowthError(_("Choose one of the four growth stages."), 400)
    if not reason.strip():
        raise GrowthError(_("Say why the stage is being changed."), 400)
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    record = StageOverride.objects.create(
        provider=locked,
        previous_stage=locked.growth_stage,
        stage=stage,
        reason=reason.strip(),
        created_by=by,
    )
    locked.growth_stage = stage
    locked.save(update_fields=["growth_stage"])
    provider.growth_stage = stage
    return record
