"""Demo certification for `seed_demo`, from demo/certification/programmes.yaml: the programme
認證講師 · 小程序電商 with its requirements, and its holders — the demo lecturer with a valid
signed certificate earned through the requirements, a lecturer whose certificate was revoked,
one whose certificate expired, a Hong Kong lecturer who reads Traditional Chinese, and a
candidate part-way through.

Idempotent: a programme is looked up by slug, people by e-mail, and certificates are only
issued to someone who holds none for the programme. Demo certificates are not e-mailed.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from academy import roles, services
from academy.demo_data import load
from academy.models import LecturerProfile, User
from courses.models import CoursePage, Enrollment

from . import demo_exams
from .demo_exams import take_exam
from .models import ApprovalApplication, Attempt, Certificate, Exam, Programme, Requirement
from .serials import new_serial
from .services import credential_status, issuing

PROGRAMMES = "certification/programmes.yaml"


def data() -> dict[str, Any]:
    return load(PROGRAMMES)


def programmes() -> list[dict[str, Any]]:
    return data()["programmes"]


# The lecturer programme's slug, for the demos that show its certificates (showcase.demo).
PROGRAMME_SLUG = programmes()[0]["slug"]
# Fields of a programme in programmes.yaml that are not columns of Programme.
PROGRAMME_EXTRAS = ("requirements", "holders")


class _Quiet:
    def write(self, *args, **kwargs):
        pass


def _user(spec: dict[str, Any]) -> User:
    email = spec["email"]
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            username=email.split("@")[0].replace(".", "_"),
            display_name=spec["name"],
        )
        user.set_password(data()["password"])
        user.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    LecturerProfile.objects.get_or_create(
        user=user, defaults={"city": spec["city"], "specialties": data()["specialties"]}
    )
    return user


def _exam(slug: str) -> Exam:
    spec = demo_exams.exam_spec(slug)
    # The exams demo runs first; alone, this makes the exam's record without its questions.
    exam, _ = Exam.objects.get_or_create(
        slug=slug, defaults={"title": spec["title"], "pass_mark": spec["pass_mark"]}
    )
    return exam


def _named(spec: dict[str, Any], kind: str) -> str | None:
    """The slug the programme's first requirement of `kind` ("course", "exam") names."""
    return next((r[kind] for r in spec["requirements"] if r["kind"] == kind), None)


def _requirement(spec: dict[str, Any]) -> Requirement | None:
    """A Requirement row from its entry; None when the course it names is not in the demo."""
    row = Requirement(group=spec["group"], kind=spec["kind"], count=spec.get("count", 1))
    if spec["kind"] == Requirement.Kind.COURSE_COMPLETED:
        row.course = CoursePage.objects.filter(slug=spec["course"]).first()
        if row.course is None:
            return None
    if spec["kind"] == Requirement.Kind.EXAM_PASSED:
        row.exam = _exam(spec["exam"])
    for decimal in ("min_score", "min_rating"):
        if decimal in spec:
            setattr(row, decimal, Decimal(str(spec[decimal])))
    return row


def _programme(spec: dict[str, Any]) -> Programme:
    programme = Programme.objects.filter(slug=spec["slug"]).first()
    if programme is not None:
        return programme
    programme = Programme.objects.create(
        **{key: value for key, value in spec.items() if key not in PROGRAMME_EXTRAS}
    )
    rows = [row for row in map(_requirement, spec["requirements"]) if row is not None]
    for order, row in enumerate(rows):
        row.programme = programme
        row.sort_order = order
    Requirement.objects.bulk_create(rows)
    return programme


def _complete_course(user, spec: dict[str, Any]) -> None:
    course = CoursePage.objects.filter(slug=_named(spec, "course")).first()
    if course is None:
        return
    enrollment, _ = Enrollment.objects.get_or_create(user=user, course=course)
    if enrollment.completed_at is None:
        enrollment.completed_at = timezone.now() - timedelta(days=40)
        enrollment.save(update_fields=["completed_at"])


def _pass_exam(user, spec: dict[str, Any], score) -> None:
    exam = _exam(_named(spec, "exam"))
    if not Attempt.objects.filter(user=user, exam=exam, passed=True).exists():
        # A month ago, so the demo lecturer may sit the exam again today.
        share = Decimal(str(score)) / 100
        take_exam(user, exam, lambda position: position < share * exam.question_count, days_ago=30)


def _approve(user, programme, officer, approval: dict[str, str]) -> None:
    application, _ = ApprovalApplication.objects.get_or_create(
        applicant=user, programme=programme, defaults={"statement": approval["statement"]}
    )
    if application.status != ApprovalApplication.Status.APPROVED:
        application.status = ApprovalApplication.Status.APPROVED
        application.notes = approval["notes"]
        application.reviewed_by = officer
        application.reviewed_at = timezone.now() - timedelta(days=3)
        application.save()


def _historic(user, programme, *, issued_days_ago: int) -> Certificate:
    """A certificate issued in the past (for the expired example): signed with its real dates."""
    issued_at = timezone.now() - timedelta(days=issued_days_ago)
    with transaction.atomic():
        credential_status.recipient_for(user)
        status_list, status_index = credential_status.allocate_status_entry()
        certificate = Certificate.objects.create(
            holder=user,
            programme=programme,
            serial=new_serial(),
            issued_at=issued_at,
            expires_at=issuing._add_months(issued_at, programme.validity_months),
            holder_name=issuing.certificate_name(user),
            language=services.profile_language(user),
            origin=Certificate.Origin.MANUAL,
            status_list=status_list,
            status_index=status_index,
        )
    issuing.publish(certificate, notify=False)
    return certificate


def _seed_holder(
    spec: dict[str, Any], programme_spec: dict[str, Any], programme: Programme, officer, out
) -> None:
    """One holder's story (the `certificate` of their entry), unless it has happened already."""
    if "name" in spec:
        user = _user(spec)
    else:  # an account seed_demo makes
        user = User.objects.filter(email=spec["email"]).first()
        if user is None:
            return
    story = spec["certificate"]
    if programme.certificates.filter(holder=user).exists() or (
        story == "none" and Attempt.objects.filter(user=user).exists()
    ):
        return
    if spec.get("language"):
        services.set_profile_language(user, spec["language"])
    if spec.get("course_completed"):
        _complete_course(user, programme_spec)
    if "exam_score" in spec:
        _pass_exam(user, programme_spec, spec["exam_score"])
    if "approval" in spec:
        _approve(user, programme, officer, spec["approval"])

    def award():
        return issuing.award_certificate(
            user, programme, by=officer, reason=spec["award_reason"], notify=False
        )

    if story == "earned":
        result = issuing.issue_certificate(user, programme, notify=False)
        if not result.created:
            # Requirements the other demos did not set up (e.g. no ratings): award, recorded.
            result = award()
        out.write(f"Certified {user.email}: {result.certificate.serial}")
    elif story == "awarded":
        award()
    elif story == "revoked":
        issuing.revoke_certificate(award().certificate, by=officer, reason=spec["revoke_reason"])
    elif story == "expired":
        _historic(user, programme, issued_days_ago=spec["issued_days_ago"])
        issuing.expire_certificates()


def seed(home_page=None, stdout=None) -> Programme:
    """Every programme of the file with its holders; returns the first (the lecturer programme)."""
    out = stdout or _Quiet()
    # The demo's certificates are signed: make sure the development keys exist first.
    call_command("create_signing_keys", stdout=_Quiet())
    officer = User.objects.filter(
        email=data()["officer"], groups__name=roles.CERTIFICATION_OFFICERS
    ).first()
    seeded = []
    for spec in programmes():
        programme = _programme(spec)
        for holder in spec.get("holders", []):
            _seed_holder(holder, spec, programme, officer, out)
        out.write(f"Certification programme ready: {programme.title}")
        seeded.append(programme)
    _course_certificates(out)
    return seeded[0]


def _course_certificates(out) -> None:
    """Course certificates for the demo people who finished a course (idempotent: the service
    issues each once). The course completion's own signal issues them too, after the commit."""
    from .services import course_certificates

    for email in data()["course_certificates_for"]:
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        for certificate in course_certificates.issue_due_course_certificates(user):
            out.write(f"Course certificate for {email}: {certificate.serial}")
