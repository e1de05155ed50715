"""Course certificates: finishing a course issues one (once), signed like a lecturer
certificate and verifiable by serial and by upload; it shows on My academy and the team dashboard;
a programme requirement may ask for it."""

import shutil
import subprocess

import pytest
from django.test import Client
from django.utils import translation

from academy.models import Membership
from certification.models import CourseCertificate, Requirement
from certification.services import course_certificates
from certification.services.issuing import set_certificate_name
from certification.services.programmes import programme_progress
from certification.verification import verify_pdf
from courses import services as learning
from tests.certification.factories_programmes import (  # noqa: F401
    make_programme,
    signing_key_dir,
    signing_keys,
)
from tests.courses.content import make_catalogue, make_course, make_lesson
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdfsig") or not shutil.which("pdftotext"), reason="needs poppler-utils"
)


@pytest.fixture
def course(home_page):
    course = make_course(make_catalogue(home_page), "扫码点餐：从开通到复购", duration_minutes=90)
    make_lesson(course, "开通扫码点餐")
    make_lesson(course, "菜单与桌码")
    return course


def finish(user, course, capture):
    """Complete every lesson through the learning service; run what commits afterwards."""
    learning.enrol(user, course)
    with capture(execute=True):
        for lesson in course.get_children().specific():
            learning.mark_lesson_complete(user, lesson)


def pdf_of(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture
def holder():
    return UserFactory(display_name="欧阳娜娜 Zoë")


@pytest.fixture
def issued(holder, course, django_capture_on_commit_callbacks):
    finish(holder, course, django_capture_on_commit_callbacks)
    return CourseCertificate.objects.get(holder=holder, course=course)


def test_completing_a_course_issues_one_signed_certificate(issued, holder, course):
    assert issued.status == "valid" and issued.pdf_sha256
    assert issued.holder_name == "欧阳娜娜 Zoë" and issued.course_title == course.title
    # Issuing again (a task delivered twice, the sweep) finds the same certificate.
    assert course_certificates.issue_course_certificate(holder, course) == issued
    assert course_certificates.issue_due_course_certificates(holder) == []
    assert CourseCertificate.objects.filter(holder=holder).count() == 1


def test_the_database_holds_one_certificate_per_holder_and_course(issued):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CourseCertificate.objects.create(
            holder=issued.holder,
            course=issued.course,
            serial="0000-0000-0000",
            issued_at=issued.issued_at,
            completed_at=issued.completed_at,
            holder_name="x",
            course_title="x",
        )


def test_a_course_that_awards_none_issues_none(holder, course, django_capture_on_commit_callbacks):
    course.awards_certificate = False
    course.save(update_fields=["awards_certificate"])
    finish(holder, course, django_capture_on_commit_callbacks)
    assert learning.course_completion(holder, course.pk) is not None
    assert not CourseCertificate.objects.exists()


def test_a_holder_without_a_name_receives_it_when_giving_one(
    course, django_capture_on_commit_callbacks
):
    nameless = UserFactory(display_name="")
    finish(nameless, course, django_capture_on_commit_callbacks)
    assert not CourseCertificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        set_certificate_name(nameless, "陈思远")
    assert CourseCertificate.objects.get(holder=nameless).holder_name == "陈思远"


@needs_poppler
def test_pdfsig_validates_it_and_the_text_is_the_course_design(tmp_path, issued):
    path = tmp_path / "course.pdf"
    path.write_bytes(pdf_of(issued))
    signature = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in signature and "Total document signed" in signature
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert "课程结业证书" in text and "CERTIFICATE OF COURSE COMPLETION" in text
    assert "欧阳娜娜" in text and "扫码点餐：从开通到复购" in text and issued.serial in text
    assert "长期有效" in text and "讲师认证证书" not in text
    assert f"/verify/{issued.serial}/" in text


@needs_poppler
def test_a_traditional_reader_gets_it_in_traditional_script(
    tmp_path, course, django_capture_on_commit_callbacks
):
    from wagtail.users.models import UserProfile

    reader = UserFactory(display_name="陳思遠")
    UserProfile.objects.update_or_create(user=reader, defaults={"preferred_language": "zh-hant"})
    finish(reader, course, django_capture_on_commit_callbacks)
    certificate = CourseCertificate.objects.get(holder=reader)
    assert certificate.language == "zh-hant"
    path = tmp_path / "hant.pdf"
    path.write_bytes(pdf_of(certificate))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert "課程結業證書" in text and "掃碼點餐" in text and "陳思遠" in text


def test_the_verification_page_and_json_show_it(client, issued):
    page = client.get(f"/en/verify/{issued.serial}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Course certificate" in html and "扫码点餐：从开通到复购" in html
    assert "欧阳娜娜 Zoë" in html and "No expiry" in html
    record = client.get(f"/verify/{issued.serial}.json").json()
    assert record["kind"] == "course" and record["status"] == "valid"
    assert record["course"] == "扫码点餐：从开通到复购" and record["expires"] is None


def test_uploading_the_pdf_verifies_it(client, issued):
    verdict = verify_pdf(pdf_of(issued))
    assert verdict.valid and verdict.certificate == issued
    tampered = bytearray(pdf_of(issued))
    tampered[len(tampered) // 2] ^= 1
    assert not verify_pdf(bytes(tampered)).genuine
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/en/verify/upload/",
        {"file": SimpleUploadedFile("c.pdf", pdf_of(issued), "application/pdf")},
    )
    assert response.status_code == 200
    assert "Genuine and valid." in response.content.decode()


def test_my_academy_lists_it_and_only_its_holder_downloads_it(issued, holder):
    client = Client()
    client.force_login(holder)
    page = client.get("/en/my-academy/").content.decode()
    assert "Course certificates" in page and issued.serial in page
    download = client.get(f"/en/certificates/course/{issued.serial}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_of(issued)
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(f"/en/certificates/course/{issued.serial}/download/").status_code == 404


def test_the_team_dashboard_lists_members_course_certificates(
    course, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(user__display_name="李晓明")
    member = membership.user
    admin = MembershipFactory(provider=membership.provider, role=Membership.Role.ADMIN).user
    finish(member, course, django_capture_on_commit_callbacks)
    serial = CourseCertificate.objects.get(holder=member).serial
    client = Client()
    client.force_login(admin)
    page = client.get("/en/my-academy/team/").content.decode()
    assert "Course certificates" in page and serial in page


def test_a_programme_can_require_the_course_certificate(
    holder, course, django_capture_on_commit_callbacks
):
    programme = make_programme(
        requirements=[(1, Requirement.Kind.COURSE_CERTIFICATE, {"course": course})]
    )
    with translation.override("en"):
        before = programme_progress(holder, programme)
    assert not before.complete
    assert before.groups[0].items[0].missing == "Complete the course to receive its certificate."
    finish(holder, course, django_capture_on_commit_callbacks)
    # Issuing the course certificate re-checked the holder's programmes: the lecturer certificate
    # the programme awards followed.
    serial = CourseCertificate.objects.get(holder=holder).serial
    progress = programme_progress(holder, programme)
    assert progress.complete and serial in progress.groups[0].items[0].evidence[0]
    assert holder.certificates.filter(programme=programme, status="valid").exists()


def test_a_revoked_course_certificate_no_longer_meets_the_requirement(holder, issued, course):
    programme = make_programme(
        requirements=[(1, Requirement.Kind.COURSE_CERTIFICATE, {"course": course})]
    )
    CourseCertificate.objects.filter(pk=issued.pk).update(status="revoked")
    assert not programme_progress(holder, programme).complete


def test_closing_the_account_revokes_it_and_erases_the_printed_name(client, issued, holder):
    from academy import closure, personal_data

    [held] = [
        c.rows for c in personal_data.collect(holder) if c.section.key == "course_certificates"
    ]
    assert [row["serial"] for row in held] == [issued.serial]
    [keepsake] = personal_data.keepsakes(holder)
    assert keepsake.path.endswith(f"/certificates/course/{issued.serial}/download/")
    staff = UserFactory(is_staff=True, is_superuser=True)
    assert closure.close_now(closure.request_on_behalf(holder, by=staff), by=staff) is True
    issued.refresh_from_db()
    assert issued.status == "revoked" and issued.revoked_reason == "account closed"
    assert issued.holder_name == "" and not issued.pdf and issued.pdf_sha256
    record = client.get(f"/verify/{issued.serial}.json").json()
    assert record["status"] == "revoked" and record["holder"] == ""


def test_officers_see_course_certificates_in_the_admin_read_only(issued):
    from tests.certification.factories_programmes import officer

    client = Client()
    client.force_login(officer())
    listing = client.get("/admin/course_certificates/")
    assert listing.status_code == 200 and issued.serial in listing.content.decode()
    assert client.get(f"/admin/course_certificates/inspect/{issued.pk}/").status_code == 200
    assert client.get("/admin/course_certificates/new/").status_code in (302, 403)
    assert client.get(f"/admin/course_certificates/edit/{issued.pk}/").status_code in (302, 403)
