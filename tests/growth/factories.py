"""Growth test data: a small questionnaire with known points, members with activity."""

import factory
from django.utils import timezone

from academy.models import GrowthStage, Membership
from certification.models import Attempt, Certificate, Exam, Programme
from growth.models import DIRECTIONS, DirectionThreshold, Questionnaire
from tests.factories import MembershipFactory, ProviderFactory, UserFactory

# Two questions per direction, each answer worth 0, 5 or 10 points: a direction's maximum is 20.
POINTS = [0, 5, 10]


def questions(per_direction: int = 2) -> list:
    return [
        (
            "question",
            {
                "direction": direction,
                "text": f"{direction} 问题 {n}",
                "help_text": "",
                "answers": [{"label": f"答案 {p}", "points": p} for p in POINTS],
            },
        )
        for direction in DIRECTIONS
        for n in range(1, per_direction + 1)
    ]


def make_questionnaire(*, developing=40, established=70, keywords=None, **fields) -> Questionnaire:
    questionnaire = Questionnaire(
        title=fields.pop("title", "服务商成长诊断"),
        questions=questions(fields.pop("per_direction", 2)),
        capability_from=fields.pop("capability_from", 35),
        operations_from=fields.pop("operations_from", 60),
        expansion_from=fields.pop("expansion_from", 80),
        **fields,
    )
    questionnaire.save()
    for order, direction in enumerate(DIRECTIONS):
        DirectionThreshold.objects.create(
            questionnaire=questionnaire,
            direction=direction,
            developing_from=developing,
            established_from=established,
            event_keywords=(keywords or {}).get(direction, ""),
            sort_order=order,
        )
    return questionnaire


def answers_for(diagnosis, choice_by_direction: dict[str, list[int]]) -> dict[str, int]:
    """{question id: answer index} from a list of answer indexes per direction."""
    result = {}
    for direction, indexes in choice_by_direction.items():
        for question, index in zip(diagnosis.questions_for(direction), indexes, strict=False):
            result[question["id"]] = index
    return result


def admin_of(provider=None) -> Membership:
    return MembershipFactory(
        provider=provider or ProviderFactory(growth_stage=GrowthStage.CREATE),
        role=Membership.Role.ADMIN,
    )


class ExamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exam

    title = factory.Sequence(lambda n: f"认证考试{n}")
    slug = factory.Sequence(lambda n: f"exam-{n}")
    pass_mark = 70


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attempt

    exam = factory.SubFactory(ExamFactory)
    user = factory.SubFactory(UserFactory)
    state = Attempt.State.GRADED
    submitted_at = factory.LazyFunction(timezone.now)
    graded_at = factory.LazyFunction(timezone.now)
    score = 80
    passed = True


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"认证讲师项目{n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    holder = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    serial = factory.Sequence(lambda n: f"PA-2026-{n:06d}")
    issued_at = factory.LazyFunction(timezone.now)
