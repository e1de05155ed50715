"""Programmes, requirements and the facts they read (course completions, exam passes,
attendance, sessions taught, ratings), plus the signing-key fixture every certificate test uses.

Fixtures live here (not in a conftest) so the certificate tests and the exam tests can share
tests/certification/ without their setup colliding: test modules import what they use.
"""

from datetime import timedelta
from decimal import Decimal
from io import StringIO
from itertools import count

import pytest
from django.core.management import call_command
from django.utils import timezone

from academy.models import LecturerProfile
from certification.models import (
    ApprovalApplication,
    Attempt,
    Certificate,
    Exam,
    Programme,
    Requirement,
)
from certification.services import issuing
from courses.models import Enrollment
from events.models import Registration, SessionRating
from tests.courses.content import make_catalogue, make_course
from tests.events.factories import make_event, make_index
from tests.factories import LecturerProfileFactory, UserFactory

_n = count(1)
Kind = Requirement.Kind


@pytest.fixture(scope="session")
def signing_key_dir(tmp_path_factory):
    """One development CA + signing key for the whole run, in a temporary directory."""
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(autouse=False)
def signing_keys(settings, signing_key_dir):
    settings.CERT_SIGNING_KEY = str(signing_key_dir / "signer.key.pem")
    settings.CERT_SIGNING_CERT = str(signing_key_dir / "signer.cert.pem")
    settings.CERT_SIGNING_CHAIN = str(signing_key_dir / "ca.cert.pem")
    call_command("create_signing_keys", stdout=StringIO())
    return signing_key_dir


def make_programme(*, requirements=(), **fields) -> Programme:
    n = next(_n)
    defaults = {
        "title": f"认证讲师 · 小程序电商 {n}",
        "title_en": "Certified Lecturer · Mini-program E-commerce",
        "slug": f"programme-{n}",
        "validity_months": 24,
        "topics": "小程序电商, 微信支付",
    }
    defaults.update(fields)
    programme = Programme.objects.create(**defaults)
    for order, (group, kind, options) in enumerate(requirements):
        Requirement.objects.create(
            programme=programme, group=group, kind=kind, sort_order=order, **options
        )
    return programme


def make_exam(**fields) -> Exam:
    n = next(_n)
    return Exam.objects.create(
        **{"title": f"认证笔试 {n}", "slug": f"exam-{n}", "pass_mark": 70, **fields}
    )


def pass_exam(user, exam: Exam, score="82.5") -> Attempt:
    now = timezone.now()
    return Attempt.objects.create(
        user=user,
        exam=exam,
        state=Attempt.State.GRADED,
        passed=True,
        score=Decimal(score),
        submitted_at=now,
        graded_at=now,
    )


def make_course_page(home_page):
    return make_course(make_catalogue(home_page))


def complete_course(user, course) -> Enrollment:
    enrollment, _ = Enrollment.objects.get_or_create(user=user, course=course)
    enrollment.completed_at = timezone.now()
    enrollment.save(update_fields=["completed_at"])
    return enrollment


def lecturer(**kwargs) -> LecturerProfile:
    return LecturerProfileFactory(**kwargs)


def attend(user, home_page, *, kind="workshop"):
    event = make_event(make_index(home_page), kind=kind, start=timezone.now() - timedelta(days=3))
    return Registration.objects.create(
        event=event,
        user=user,
        status=Registration.Status.CONFIRMED,
        attendance=Registration.Attendance.ATTENDED,
        code=f"C{next(_n):07d}",
    )


def teach(profile: LecturerProfile, home_page, *, ratings=()):
    """A past session `profile` taught, rated by one attendee per score in `ratings`."""
    event = make_event(
        make_index(home_page),
        lecturers=[profile],
        kind="lecturer_session",
        start=timezone.now() - timedelta(days=5),
    )
    for score in ratings:
        registration = Registration.objects.create(
            event=event,
            user=UserFactory(),
            status=Registration.Status.CONFIRMED,
            attendance=Registration.Attendance.ATTENDED,
            code=f"C{next(_n):07d}",
        )
        SessionRating.objects.create(registration=registration, score=score)
    return event


def approve(user, programme, officer=None, notes="试讲达标") -> ApprovalApplication:
    application, _ = ApprovalApplication.objects.get_or_create(applicant=user, programme=programme)
    application.status = ApprovalApplication.Status.APPROVED
    application.reviewed_by = officer
    application.reviewed_at = timezone.now()
    application.notes = notes
    application.save()
    return application


def officer():
    from django.contrib.auth.models import Group

    from academy import roles

    user = UserFactory(is_staff=True, display_name="郑认证")
    user.groups.add(Group.objects.get(name=roles.CERTIFICATION_OFFICERS))
    return user


def award(holder, programme, by=None, reason="测试颁发") -> Certificate:
    return issuing.award_certificate(holder, programme, by=by, reason=reason).certificate


def simple_programme(exam=None, **fields) -> Programme:
    """One requirement: pass `exam` (created when not given)."""
    exam = exam or make_exam()
    return make_programme(requirements=[(1, Kind.EXAM_PASSED, {"exam": exam})], **fields)
