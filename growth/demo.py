"""Demo growth data for `seed_demo`, from demo/growth/: the diagnosis questionnaire
(questionnaire.yaml), providers across the five largest industries and four stages, several
with two diagnoses so the history and the stage-movement report have something to show
(providers.yaml), learning paths for the later stages (learning_paths.yaml), a catering benchmark
case (cases.yaml), and a team with progress for the demo provider admin (team.yaml).

What stays here is what data cannot say: the answers that place a provider at its stage, dates
relative to today, and look-ups by natural key (company names, e-mails, slugs) so that a second
run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from academy.demo_data import load
from academy.models import GrowthStage, Industry, Membership, Provider
from certification.demo_exams import take_exam
from certification.models import Exam, Programme
from certification.services.issuing import award_certificate
from courses import demo as courses_demo
from courses.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    CoursePage,
    Enrollment,
    LearningPath,
    LearningPathCourse,
    LessonPage,
    LessonProgress,
    Product,
)
from courses.services import LearningError, enrol, mark_lesson_complete
from events.models import EventPage, Registration

from .models import DIRECTIONS, Diagnosis, DirectionThreshold, Questionnaire
from .services.diagnosis import complete_diagnosis, save_answers, score, start_diagnosis


def questionnaire_spec() -> dict[str, Any]:
    return load("growth/questionnaire.yaml")


def provider_specs() -> list[dict[str, Any]]:
    return load("growth/providers.yaml")["providers"]


def team_spec() -> dict[str, Any]:
    return load("growth/team.yaml")


def path_specs() -> list[dict[str, Any]]:
    return load("growth/learning_paths.yaml")["paths"]


def case_specs() -> list[dict[str, Any]]:
    return load("growth/cases.yaml")["cases"]


# The demo provider admin's company (seed_demo makes it), whose team this demo fills.
OWNER_COMPANY = team_spec()["company"]


def seed(home_page, stdout) -> None:
    with transaction.atomic():
        seed_paths(stdout)
        seed_cases(stdout)
        questionnaire = seed_questionnaire(stdout)
        providers = seed_providers(stdout)
        seed_diagnoses(questionnaire, providers, stdout)
        seed_team(stdout)
        seed_assignments(stdout)


def seed_later_providers(stdout) -> None:
    """Diagnoses for companies a later demo step added (the showcase's), so that a second run of
    seed_demo finds nothing left to add."""
    with transaction.atomic():
        seed_diagnoses(seed_questionnaire(stdout), seed_providers(stdout), stdout)


def seed_paths(stdout) -> None:
    for spec in path_specs():
        if LearningPath.objects.filter(slug=spec["slug"]).exists():
            continue
        courses = {c.slug: c for c in CoursePage.objects.filter(slug__in=spec["courses"])}
        if not courses:
            continue
        path = LearningPath.objects.create(
            title=spec["title"],
            slug=spec["slug"],
            growth_stage=spec["growth_stage"],
            intro=spec["intro"],
            sort_order=10,
        )
        for order, course_slug in enumerate(s for s in spec["courses"] if s in courses):
            LearningPathCourse.objects.create(
                path=path, course=courses[course_slug], sort_order=order
            )
        stdout.write(f"Created learning path {spec['title']}.\n")


def _provider(spec: dict[str, Any]) -> Provider:
    provider, created = Provider.objects.get_or_create(
        name=spec["name"], defaults={"city": spec["city"], "growth_stage": spec["stage"]}
    )
    if created:
        provider.industries.set(Industry.objects.filter(slug__in=spec["industries"]))
    return provider


def seed_cases(stdout) -> None:
    listing = CaseStudyIndexPage.objects.first()
    if listing is None:
        return
    by_name = {spec["name"]: spec for spec in provider_specs()}
    industries = {i.slug: i for i in Industry.objects.all()}
    products = {p.slug: p for p in Product.objects.all()}
    for spec in case_specs():
        if CaseStudyPage.objects.filter(slug=spec["slug"]).exists():
            continue
        # The provider exists before its case names it: seed_providers runs after this.
        if spec["provider"] in by_name:
            _provider(by_name[spec["provider"]])
        courses_demo.add_case(listing, spec, industries, products, stdout)


def seed_questionnaire(stdout) -> Questionnaire:
    existing = Questionnaire.objects.filter(active=True).first()
    if existing is not None:
        return existing
    spec = questionnaire_spec()
    directions = spec["directions"]
    questionnaire = Questionnaire(
        title=spec["title"],
        intro=spec["intro"],
        questions=[
            (
                "question",
                {
                    "direction": direction,
                    "text": question["text"],
                    "help_text": question.get("help_text", ""),
                    "answers": [
                        {"label": a["label"], "points": a["points"]} for a in spec["answers"]
                    ],
                },
            )
            for direction in DIRECTIONS
            for question in directions[direction]["questions"]
        ],
        capability_from=spec["capability_from"],
        operations_from=spec["operations_from"],
        expansion_from=spec["expansion_from"],
    )
    questionnaire.save()
    for order, direction in enumerate(DIRECTIONS):
        DirectionThreshold.objects.create(
            questionnaire=questionnaire,
            direction=direction,
            developing_from=directions[direction]["developing_from"],
            established_from=directions[direction]["established_from"],
            event_keywords=directions[direction]["event_keywords"],
            sort_order=order,
        )
    stdout.write("Created the growth diagnosis questionnaire.\n")
    return questionnaire


def seed_providers(stdout) -> list[tuple[Provider, bool]]:
    result = [(_provider(spec), spec.get("diagnosed_twice", False)) for spec in provider_specs()]
    owner_company = Provider.objects.filter(name=OWNER_COMPANY).first()
    if owner_company is not None:
        result.append((owner_company, team_spec().get("diagnosed_twice", False)))
    for provider in Provider.objects.exclude(pk__in=[p.pk for p, _ in result]):
        result.append((provider, False))
    return result


def _answers(diagnosis: Diagnosis, stage: str, n: int) -> dict[str, int]:
    """Answers that place the provider at `stage`, stronger in one direction and weaker in
    another (which ones rotates with `n`), so the demo charts differ."""
    base = GrowthStage.values.index(stage)
    strong, weak = DIRECTIONS[n % 4], DIRECTIONS[(n + 2) % 4]
    answers = {}
    for question in diagnosis.questions:
        shift = 1 if question["direction"] == strong else -1 if question["direction"] == weak else 0
        answers[question["id"]] = max(0, min(3, base + shift))
    if score(diagnosis.snapshot, answers)[2] != stage:
        answers = {q["id"]: base for q in diagnosis.questions}
    return answers


def _take(provider: Provider, stage: str, n: int, days_ago: int, by) -> None:
    diagnosis = start_diagnosis(by, provider)
    save_answers(diagnosis, _answers(diagnosis, stage, n), by=by)
    diagnosis = complete_diagnosis(diagnosis, by=by)
    when = timezone.now() - timedelta(days=days_ago)
    Diagnosis.objects.filter(pk=diagnosis.pk).update(
        started_at=when - timedelta(minutes=12), completed_at=when
    )


def seed_diagnoses(questionnaire, providers, stdout) -> None:
    created = 0
    # Only a company's administrators (or staff who may set stages) record a diagnosis: most demo
    # companies have no people, so the academy's superuser records their history.
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    for n, (provider, twice) in enumerate(providers):
        if Diagnosis.objects.filter(provider=provider).exists():
            continue
        admin = (
            Membership.objects.filter(provider=provider, role=Membership.Role.ADMIN)
            .select_related("user")
            .first()
        )
        by = admin.user if admin else staff
        if by is None:
            continue
        stage = provider.growth_stage
        if twice:
            earlier = GrowthStage.values[max(0, GrowthStage.values.index(stage) - 1)]
            _take(provider, earlier, n + 1, 120, by)
        _take(provider, stage, n, 14, by)
        created += 1
    if created:
        stdout.write(f"Created diagnoses for {created} providers.\n")


def seed_team(stdout) -> None:
    """Colleagues for the demo provider admin, with courses, exams, certificates and events."""
    provider = Provider.objects.filter(name=OWNER_COMPANY).first()
    if provider is None:
        return
    spec = team_spec()
    User = get_user_model()
    courses = list(CoursePage.objects.live().order_by("path")[:3])
    past_events = list(EventPage.objects.live().filter(start__lt=timezone.now()).order_by("start"))
    exam = Exam.objects.order_by("pk").first()
    if exam is None:
        exam = Exam.objects.create(**spec["fallback_exam"])
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        programme = Programme.objects.create(**spec["fallback_programme"])
    if User.objects.filter(email=spec["members"][0]["email"]).exists():
        return
    officer = User.objects.filter(is_superuser=True).order_by("pk").first()
    for n, member in enumerate(spec["members"]):
        email, courses_done = member["email"], member["courses_done"]
        user = User(email=email, username=email.split("@")[0], display_name=member["name"])
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, provider=provider, role=Membership.Role.MEMBER)
        for index, course in enumerate(courses[: courses_done + 1]):
            try:
                enrol(user, course)
            except LearningError:  # a prerequisite not done: this colleague stops here
                break
            lessons = list(LessonPage.objects.live().child_of(course).order_by("path"))
            # Finished courses have every lesson done; the next one is half done.
            upto = len(lessons) if index < courses_done else len(lessons) // 2
            for lesson in lessons[:upto]:
                try:
                    mark_lesson_complete(user, lesson)
                except LearningError:
                    # A lesson that completes by its knowledge check: the demo records a pass.
                    LessonProgress.objects.update_or_create(
                        user=user,
                        lesson=lesson,
                        defaults={"completed_at": timezone.now(), "check_score": 100},
                    )
            if index < courses_done:
                # Spread the demo's learning over past weeks, so durations differ.
                enrolled = timezone.now() - timedelta(days=40 - 7 * n - 3 * index)
                Enrollment.objects.filter(user=user, course=course).update(
                    enrolled_at=enrolled,
                    completed_at=enrolled + timedelta(days=3 + 4 * n + index),
                )
        share = member["exam_share"]
        take_exam(
            user,
            exam,
            lambda position, share=share: position < share * exam.question_count,
            seed=n,
            days_ago=10 - n,
        )
        if member["certified"]:
            # Through the officers' award path: a real serial, a signed PDF, an audit entry.
            award_certificate(
                user, programme, by=officer, reason=spec["award_reason"], notify=False
            )
        for k, event in enumerate(past_events[: n + 1]):
            Registration.objects.create(
                event=event,
                user=user,
                status=Registration.Status.CONFIRMED,
                code=f"GRD{n}{k:04d}",
                confirmed_at=event.start - timedelta(days=7),
                attendance=Registration.Attendance.ATTENDED
                if (n + k) % 3
                else Registration.Attendance.NO_SHOW,
            )
    stdout.write("Demo provider team ready (owner@example.com → Team).\n")


def seed_assignments(stdout) -> None:
    """The owner's learning assignments: a path for the whole team, and a course for the demo
    member already overdue (the team page and her My academy show it)."""
    from .team_models import Assignment

    spec = team_spec()["assignments"]
    provider = Provider.objects.filter(name=OWNER_COMPANY).first()
    owner = Membership.objects.filter(provider=provider, role=Membership.Role.ADMIN).first()
    if provider is None or owner is None or Assignment.objects.filter(provider=provider).exists():
        return
    today = timezone.localdate()
    path = LearningPath.objects.filter(growth_stage=spec["team_path_stage"]).first()
    if path is not None:
        Assignment.objects.create(
            provider=provider,
            path=path,
            due_on=today + timedelta(days=spec["team_due_in_days"]),
            assigned_by=owner.user,
        )
    colleague = Membership.objects.filter(provider=provider, user__email=spec["member"]).first()
    course = CoursePage.objects.live().order_by("path").first()
    if colleague is not None and course is not None:
        Assignment.objects.create(
            provider=provider,
            user=colleague.user,
            course=course,
            due_on=today - timedelta(days=spec["member_due_days_ago"]),
            assigned_by=owner.user,
            created_at=timezone.now() - timedelta(days=spec["member_assigned_days_ago"]),
        )
    stdout.write(f"Demo team assignments ready ({spec['member']} has one overdue).\n")
