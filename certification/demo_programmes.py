"""Demo certification for `seed_demo`: the programme 認證講師 · 小程序電商 with real requirements,
the demo lecturer holding a valid signed certificate, a lecturer whose certificate was revoked,
one whose certificate expired, a Hong Kong lecturer who reads Traditional Chinese (her certificate
prints 認證講師 · 小程序電商; the demo lecturer's, in Simplified, 认证讲师 · 小程序电商), and a
candidate part-way through.

Idempotent: the programme is looked up by slug, people by e-mail, and certificates are only
issued to someone who holds none for the programme. Demo certificates are not e-mailed.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from academy import roles, services
from academy.models import LecturerProfile, User
from courses.models import CoursePage, Enrollment

from .demo_exams import take_exam
from .models import ApprovalApplication, Attempt, Certificate, Exam, Programme, Requirement
from .serials import new_serial
from .services import credential_status, issuing

PROGRAMME_SLUG = "certified-lecturer-mini-program-ecommerce"
EXAM_SLUG = "lecturer-written-exam-commerce"  # certification.demo_exams
COURSE_SLUG = "mini-program-ecommerce-basics"
LECTURER_EMAIL = "lecturer@example.com"
OFFICER_EMAIL = "officer@example.com"
PASSWORD = "Academy#2026"

PEOPLE = [
    # email, name, city, what happens
    ("lecturer.revoked@example.com", "王振宇", "广州", "revoked"),
    ("lecturer.expired@example.com", "刘晓彤", "上海", "expired"),
    ("candidate@example.com", "赵敏", "杭州", "candidate"),
    # Reads the academy in Traditional Chinese (her profile language): her PDF is drawn in it.
    ("lecturer.hk@example.com", "陳家欣", "香港", "traditional"),
]


class _Quiet:
    def write(self, *args, **kwargs):
        pass


def _user(email: str, name: str, city: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, username=email.split("@")[0].replace(".", "_"), display_name=name)
        user.set_password(PASSWORD)
        user.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    LecturerProfile.objects.get_or_create(
        user=user, defaults={"city": city, "specialties": "小程序电商"}
    )
    return user


def _programme() -> Programme:
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    if programme is not None:
        return programme
    programme = Programme.objects.create(
        slug=PROGRAMME_SLUG,
        title="認證講師 · 小程序電商",
        title_en="Certified Lecturer · Mini-program E-commerce",
        level=Programme.Level.CERTIFIED,
        validity_months=24,
        renewal_window_days=90,
        topics="小程序电商, 微信支付",
        description="面向服务商资深员工：完成小程序电商课程、通过认证笔试、参加或主讲线下课程、"
        "学员评分达标并经认证官审核后，获得可在线验证的数字签名讲师证书，有效期 24 个月。",
    )
    exam, _ = Exam.objects.get_or_create(
        slug=EXAM_SLUG, defaults={"title": "認證講師筆試 · 小程序電商", "pass_mark": 70}
    )
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    rows = []
    if course is not None:
        rows.append(Requirement(group=1, kind=Requirement.Kind.COURSE_COMPLETED, course=course))
    rows += [
        Requirement(group=2, kind=Requirement.Kind.EXAM_PASSED, exam=exam, min_score=Decimal(70)),
        # Either sat in on a session or taught one already.
        Requirement(group=3, kind=Requirement.Kind.EVENTS_ATTENDED, count=2),
        Requirement(group=3, kind=Requirement.Kind.SESSIONS_TAUGHT, count=1),
        Requirement(group=4, kind=Requirement.Kind.RATING, min_rating=Decimal("4.2"), count=5),
        Requirement(group=5, kind=Requirement.Kind.OFFICER_APPROVAL),
    ]
    for order, row in enumerate(rows):
        row.programme = programme
        row.sort_order = order
    Requirement.objects.bulk_create(rows)
    return programme


def _complete_course(user) -> None:
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course is None:
        return
    enrollment, _ = Enrollment.objects.get_or_create(user=user, course=course)
    if enrollment.completed_at is None:
        enrollment.completed_at = timezone.now() - timedelta(days=40)
        enrollment.save(update_fields=["completed_at"])


def _pass_exam(user, score: str) -> None:
    exam = Exam.objects.get(slug=EXAM_SLUG)
    if not Attempt.objects.filter(user=user, exam=exam, passed=True).exists():
        # A month ago, so the demo lecturer may sit the exam again today.
        share = Decimal(score) / 100
        take_exam(user, exam, lambda position: position < share * exam.question_count, days_ago=30)


def _approve(user, programme, officer) -> None:
    application, _ = ApprovalApplication.objects.get_or_create(
        applicant=user,
        programme=programme,
        defaults={"statement": "已在杭州主讲餐饮扫码点餐交付实战，学员评分 4.6。"},
    )
    if application.status != ApprovalApplication.Status.APPROVED:
        application.status = ApprovalApplication.Status.APPROVED
        application.notes = "试讲录像与学员评价均达标。"
        application.reviewed_by = officer
        application.reviewed_at = timezone.now() - timedelta(days=3)
        application.save()


def _historic(user, programme, *, issued_days_ago: int, officer) -> Certificate:
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


def seed(home_page=None, stdout=None) -> Programme:
    out = stdout or _Quiet()
    # The demo's certificates are signed: make sure the development keys exist first.
    call_command("create_signing_keys", stdout=_Quiet())
    programme = _programme()
    officer = User.objects.filter(email=OFFICER_EMAIL).first()
    if (
        officer is not None
        and not officer.groups.filter(name=roles.CERTIFICATION_OFFICERS).exists()
    ):
        officer = None

    lecturer = User.objects.filter(email=LECTURER_EMAIL).first()
    if lecturer is not None and not programme.certificates.filter(holder=lecturer).exists():
        _complete_course(lecturer)
        _pass_exam(lecturer, "86.00")
        _approve(lecturer, programme, officer)
        result = issuing.issue_certificate(lecturer, programme, notify=False)
        if not result.created:
            # Requirements the other demos did not set up (e.g. no ratings): award, recorded.
            result = issuing.award_certificate(
                lecturer, programme, by=officer, reason="演示：讲师已完成全部要求", notify=False
            )
        out.write(f"Certified {lecturer.email}: {result.certificate.serial}")

    for email, name, city, story in PEOPLE:
        user = _user(email, name, city)
        if programme.certificates.filter(holder=user).exists() or (
            story == "candidate" and Attempt.objects.filter(user=user).exists()
        ):
            continue
        if story == "revoked":
            result = issuing.award_certificate(
                user, programme, by=officer, reason="演示：首批试点讲师", notify=False
            )
            issuing.revoke_certificate(
                result.certificate, by=officer, reason="演示：授课中推广未经平台审核的第三方工具"
            )
        elif story == "traditional":
            services.set_profile_language(user, "zh-hant")
            issuing.award_certificate(
                user, programme, by=officer, reason="演示：香港试点讲师", notify=False
            )
        elif story == "expired":
            _historic(user, programme, issued_days_ago=800, officer=officer)
            issuing.expire_certificates()
        else:
            _complete_course(user)
            _pass_exam(user, "78.50")
    out.write(f"Certification programme ready: {programme.title}")
    _course_certificates(out)
    return programme


# The demo member finished a course (courses.demo); a course certificate is issued for it.
MEMBER_EMAIL = "member@example.com"


def _course_certificates(out) -> None:
    """Course certificates for the demo people who finished a course (idempotent: the service
    issues each once). The course completion's own signal issues them too, after the commit."""
    from .services import course_certificates

    for email in (MEMBER_EMAIL, LECTURER_EMAIL):
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        for certificate in course_certificates.issue_due_course_certificates(user):
            out.write(f"Course certificate for {email}: {certificate.serial}")
