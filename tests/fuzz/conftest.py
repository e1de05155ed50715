"""The demo academy, seeded once per fuzz module and rolled back after it.

seed_demo gives one of everything a route can name (a course, a case, an event, a programme, a
certificate serial, an exam, a diagnosis); the fixture adds what the demo's member and provider
admin lack (an exam attempt in progress each, a draft diagnosis, an open invitation).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase

ROLES = ["anonymous", "member", "provider_admin", "staff"]
DEMO_LOGINS = {
    "member": "member@example.com",
    "provider_admin": "owner@example.com",
    "staff": "admin@example.com",
}


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (None for anonymous)
    pages: dict = field(default_factory=dict)  # page class -> a live page of it
    attempts: dict = field(default_factory=dict)  # role -> an in-progress attempt of theirs
    registrations: dict = field(default_factory=dict)  # role -> a registration of theirs
    exam: object = None
    certificate: object = None
    programme: object = None
    lecturer: object = None
    diagnosis_draft: object = None
    diagnosis_done: object = None
    invitation: object = None
    member_membership: object = None
    short_response: object = None
    bank: object = None
    signup_event: object = None  # open for sign-up, asks every optional question
    check_lesson: object = None  # a lesson with a knowledge check, its course the member's


def _build_world() -> World:
    from wagtail.models import Page

    from academy.models import LecturerProfile, Membership, User
    from certification.models import Attempt, Certificate, Exam, Programme, Question, Response
    from certification.services import exams as exam_services
    from courses import services as course_services
    from courses.models import LessonPage
    from events.models import Registration
    from growth.models import Diagnosis
    from growth.services import diagnosis as diagnosis_services
    from growth.services import team as team_services
    from tests.certification.factories_exams import make_exam

    from . import urlmap

    world = World()
    world.users = {"anonymous": None} | {
        role: User.objects.get(email=email) for role, email in DEMO_LOGINS.items()
    }
    for page_type in urlmap.page_types():
        page = page_type.objects.live().order_by("pk").first()
        if page is not None:
            world.pages[page_type] = page
    # A small exam of their own, so that the member and the admin each have an open attempt.
    exam = make_exam(questions=3, title="模糊测试考试", slug="fuzz-exam")
    for role in ("member", "provider_admin"):
        world.attempts[role], _ = exam_services.start(world.users[role], exam)
    world.attempts["staff"] = Attempt.objects.filter(user=world.users["staff"]).first()
    world.exam = Exam.objects.filter(published=True).exclude(pk=exam.pk).first() or exam
    world.bank = exam.pools.first().bank
    world.short_response = Response.objects.filter(kind=Question.Kind.SHORT).first()
    world.certificate = Certificate.objects.filter(status=Certificate.Status.VALID).first()
    world.programme = Programme.objects.first()
    world.lecturer = LecturerProfile.objects.first()
    for role in ("member", "provider_admin", "staff"):
        world.registrations[role] = Registration.objects.filter(user=world.users[role]).first()
    admin = team_services.admin_membership(world.users["provider_admin"])
    world.member_membership = Membership.objects.get(user=world.users["member"])
    world.invitation = team_services.invite(admin, "fuzz.invitee@example.com")
    world.diagnosis_done = (
        Diagnosis.objects.filter(provider=admin.provider, state=Diagnosis.State.COMPLETED)
        .order_by("-pk")
        .first()
    )
    world.diagnosis_draft = diagnosis_services.current_draft(
        admin.provider
    ) or diagnosis_services.start_diagnosis(world.users["provider_admin"], admin.provider)
    _add_image_and_document()
    world.signup_event = _signup_event()
    world.check_lesson = next(
        lesson
        for lesson in LessonPage.objects.live().specific().order_by("pk")
        if lesson.knowledge_check is not None
    )
    course_services.enrol(world.users["member"], course_services.course_of(world.check_lesson))
    world.short_response = (
        _graded_short_answer() if world.short_response is None else (world.short_response)
    )
    assert Page.objects.live().count() > 10, "seed_demo made no pages"
    return world


def _signup_event():
    from academy.localisation import originals
    from events.models import EventIndexPage
    from tests.events.factories import make_event

    return make_event(
        originals(EventIndexPage.objects).get(),
        title="模糊测试工作坊",
        slug="fuzz-workshop",
        capacity=1,
        ask_company=True,
        ask_role=True,
        ask_note=True,
    )


def _graded_short_answer():
    """A submitted short answer waiting for an officer's grade."""
    from certification.models import Question
    from certification.services import exams as exam_services
    from tests.certification.factories_exams import QuestionBankFactory, add_questions, make_exam
    from tests.factories import UserFactory

    bank = QuestionBankFactory()
    add_questions(bank, 1, kind=Question.Kind.SHORT, points=4)
    exam = make_exam(questions=0, bank=bank, draw=1, slug="fuzz-short-answer")
    candidate = UserFactory()
    attempt, _ = exam_services.start(candidate, exam)
    exam_services.save_answers(attempt.pk, candidate, {0: "分账"})
    exam_services.submit(attempt.pk)
    return attempt.responses.get()


def _add_image_and_document() -> None:
    """One image and one document, for the admin's image and document views and choosers."""
    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from PIL import Image as PillowImage
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    png = io.BytesIO()
    PillowImage.new("RGB", (8, 8), "teal").save(png, "PNG")
    get_image_model().objects.create(
        title="模糊测试图片", file=ImageFile(io.BytesIO(png.getvalue()), name="fuzz.png")
    )
    get_document_model().objects.create(
        title="模糊测试文档", file=ContentFile(b"%PDF-1.4 fuzz", name="fuzz.pdf")
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo academy for one module: one seed (about 3 s), every test inside its own
    savepoint (pytest-django's `db`), everything rolled back when the module is done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # Deliver what seeding leaves for "after commit" (search index, issued certificates)
            # as a commit would, though this transaction is never committed.
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", stdout=StringIO())
                built = _build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        assert not connection.in_atomic_block
    # Failed logins and sign-ups count toward rate limits in the cache: leave none behind.
    cache.clear()


@pytest.fixture
def fuzz_db(world, db):
    """The seeded world inside this test's savepoint."""
    return world
