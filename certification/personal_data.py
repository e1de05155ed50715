"""certification's kinds of personal data (academy/personal_data.py): exam attempts and answers,
certificates, applications and officers' exceptions.

At an account's closure attempts and their scores stay, tied to the anonymised user row, as the
anonymous statistics the exam reports count; what the person wrote goes. Valid certificates are
revoked ("account closed") through the revocation service, so the registry answers "revoked"
for their serials; the name printed on them and the stored PDFs (which carry it) are erased,
while the PDFs' digests stay so a copy the holder kept still verifies as revoked."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy import page_cache, personal_data

from .models import (
    ApprovalApplication,
    Attempt,
    Certificate,
    CourseCertificate,
    ExamOverride,
    Response,
)
from .services import course_certificates, issuing

# In English on purpose: the registry shows the reason as written, to every reader.
CLOSURE_REASON = "account closed"


@personal_data.register
class Attempts(personal_data.Section):
    key = "exam_attempts"
    title = gettext_lazy("Exam attempts")
    order = 40

    def collect(self, user):
        return [
            {
                "exam": a.exam.title,
                "attempt": a.number,
                "state": a.get_state_display(),
                "started": a.started_at,
                "submitted": a.submitted_at,
                "graded": a.graded_at,
                "score (%)": a.score,
                "passed": a.passed,
            }
            for a in Attempt.objects.filter(user=user).select_related("exam").order_by("pk")
        ]

    def erase(self, user, *, log):
        log("attempts kept as anonymous statistics", Attempt.objects.filter(user=user).count())
        log(
            "written answers erased",
            Response.objects.filter(attempt__user=user)
            .exclude(text_answer="")
            .update(text_answer=""),
        )
        log(
            "exceptions' notes erased",
            ExamOverride.objects.filter(user=user).exclude(note="").update(note=""),
        )


@personal_data.register
class Answers(personal_data.Section):
    key = "exam_answers"
    title = gettext_lazy("Exam answers")
    order = 41

    def collect(self, user):
        return [
            {
                "exam": r.attempt.exam.title,
                "attempt": r.attempt.number,
                "question": r.number,
                "question text": r.text,
                "choices selected": ", ".join(
                    c["text"] for c in r.choices if c.get("key") in (r.selected or [])
                ),
                "written answer": r.text_answer,
                "points awarded": r.points_awarded,
                "feedback": r.feedback,
            }
            for r in Response.objects.filter(attempt__user=user)
            .select_related("attempt__exam")
            .order_by("attempt_id", "position")
        ]


@personal_data.register
class Certificates(personal_data.Section):
    key = "certificates"
    title = gettext_lazy("Certificates")
    order = 50
    erase_order = 300

    def collect(self, user):
        return [
            {
                "serial": c.serial,
                "programme": c.programme.title,
                "status": c.get_status_display(),
                "name on the certificate": c.holder_name,
                "issued": c.issued_at,
                "expires": c.expires_at,
                "revoked": c.revoked_at,
                "reason for revocation": c.revoked_reason,
                "version": c.version,
            }
            for c in Certificate.objects.filter(holder=user)
            .select_related("programme")
            .order_by("pk")
        ]

    def keepsakes(self, user):
        return [
            personal_data.Keepsake(
                label=_("Certificate %(serial)s (%(programme)s), signed PDF")
                % {"serial": c.serial, "programme": c.programme.title},
                path=reverse("certificate_download", args=[c.serial]),
            )
            for c in Certificate.objects.filter(holder=user, status=Certificate.Status.VALID)
            .exclude(pdf="")
            .select_related("programme")
            .order_by("pk")
        ]

    def erase(self, user, *, log):
        revoked = 0
        for certificate in Certificate.objects.filter(holder=user, status=Certificate.Status.VALID):
            issuing.revoke_certificate(certificate, by=None, reason=CLOSURE_REASON)
            revoked += 1
        log("certificates revoked", revoked)
        files = 0
        for certificate in Certificate.objects.filter(holder=user).exclude(pdf=""):
            certificate.pdf.delete(save=False)
            files += 1
        log("signed PDFs deleted", files)
        log(
            "names on certificates erased",
            Certificate.objects.filter(holder=user).update(holder_name="", pdf=""),
        )
        page_cache.bump()  # verify pages stop showing the name at once


@personal_data.register
class CourseCertificates(personal_data.Section):
    """Course certificates: at closure revoked ("account closed"), their PDFs and printed names
    erased, their digests kept (a copy the holder kept verifies as revoked), like certificates."""

    key = "course_certificates"
    title = gettext_lazy("Course certificates")
    order = 51
    erase_order = 301

    def collect(self, user):
        return [
            {
                "serial": c.serial,
                "course": c.course_title,
                "status": c.get_status_display(),
                "name on the certificate": c.holder_name,
                "completed": c.completed_at,
                "issued": c.issued_at,
                "revoked": c.revoked_at,
                "reason for revocation": c.revoked_reason,
            }
            for c in CourseCertificate.objects.filter(holder=user).order_by("pk")
        ]

    def keepsakes(self, user):
        return [
            personal_data.Keepsake(
                label=_("Course certificate %(serial)s (%(course)s), signed PDF")
                % {"serial": c.serial, "course": c.course_title},
                path=reverse("course_certificate_download", args=[c.serial]),
            )
            for c in CourseCertificate.objects.filter(
                holder=user, status=CourseCertificate.Status.VALID
            )
            .exclude(pdf="")
            .order_by("pk")
        ]

    def erase(self, user, *, log):
        log(
            "course certificates revoked",
            course_certificates.revoke_all(user, reason=CLOSURE_REASON),
        )
        files = 0
        for certificate in CourseCertificate.objects.filter(holder=user).exclude(pdf=""):
            certificate.pdf.delete(save=False)
            files += 1
        log("signed course certificate PDFs deleted", files)
        log(
            "names on course certificates erased",
            CourseCertificate.objects.filter(holder=user).update(holder_name="", pdf=""),
        )


@personal_data.register
class Applications(personal_data.Section):
    key = "programme_applications"
    title = gettext_lazy("Applications for officer approval")
    order = 55

    def collect(self, user):
        return [
            {
                "programme": a.programme.title,
                "statement": a.statement,
                "status": a.get_status_display(),
                "applied": a.created_at,
                "reviewed": a.reviewed_at,
                "reviewer's notes": a.notes,
            }
            for a in ApprovalApplication.objects.filter(applicant=user).select_related("programme")
        ]

    def erase(self, user, *, log):
        log(
            "application statements erased",
            ApprovalApplication.objects.filter(applicant=user).update(statement="", notes=""),
        )
