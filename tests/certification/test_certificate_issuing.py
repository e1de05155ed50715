"""Automatic, manual and bulk issue; one current certificate per holder/programme/cycle, even
when the task runs twice or two workers issue at once (PostgreSQL)."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from certification.models import AuditEntry, Certificate
from certification.services import exams as exam_services
from certification.services import issuing
from courses.signals import course_completed
from tests.certification import factories_exams as exam_factories
from tests.certification.factories_programmes import (  # noqa: F401
    Kind,
    award,
    complete_course,
    make_course_page,
    make_exam,
    make_programme,
    officer,
    pass_exam,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("signing_keys")


@pytest.mark.django_db
def test_a_pass_rechecked_issues_when_the_last_requirement_is_met(
    django_capture_on_commit_callbacks,
):
    exam = make_exam()
    programme = simple_programme(exam)
    user = UserFactory(display_name="陈思远")
    pass_exam(user, exam)
    with django_capture_on_commit_callbacks(execute=True):
        # What grading a pass calls (exams._finalise), inside its transaction.
        issuing.check_programmes_later(user.pk)
    certificate = Certificate.objects.get(holder=user, programme=programme)
    assert certificate.status == Certificate.Status.VALID
    assert certificate.origin == Certificate.Origin.AUTOMATIC
    assert certificate.holder_name == "陈思远"
    assert certificate.pdf and len(certificate.pdf_sha256) == 64
    assert certificate.expires_at.year == certificate.issued_at.year + 2
    # E-mailed to the holder with the signed PDF attached.
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.attachments[0][0] == f"{certificate.serial}.pdf"
    assert AuditEntry.objects.filter(certificate=certificate, action="issued").exists()


@pytest.mark.django_db
def test_submitting_a_passing_attempt_issues_the_certificate(django_capture_on_commit_callbacks):
    """The whole exam → certificate path (exams._finalise names its four hops), from the
    candidate's submit to the signed, e-mailed certificate."""
    exam = exam_factories.make_exam(questions=3)
    programme = simple_programme(exam)
    user = UserFactory(display_name="林书言")
    attempt, _ = exam_services.start(user, exam)
    exam_services.save_answers(attempt.pk, user, exam_factories.correct_answers(attempt))
    with django_capture_on_commit_callbacks(execute=True):
        assert exam_services.submit(attempt.pk, user).passed
    certificate = Certificate.objects.get(holder=user, programme=programme)
    assert certificate.status == Certificate.Status.VALID and len(certificate.pdf_sha256) == 64
    [message] = mail.outbox
    assert message.attachments[0][0] == f"{certificate.serial}.pdf"


@pytest.mark.django_db
def test_course_completed_signal_with_unmet_requirements_issues_nothing(
    home_page, django_capture_on_commit_callbacks
):
    course = make_course_page(home_page)
    make_programme(
        requirements=[
            (1, Kind.COURSE_COMPLETED, {"course": course}),
            (2, Kind.EXAM_PASSED, {"exam": make_exam()}),
        ]
    )
    user = UserFactory()
    complete_course(user, course)
    with django_capture_on_commit_callbacks(execute=True):
        course_completed.send(sender=type(course), user=user, course=course, completed_at=None)
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_automatic_issue_refuses_when_requirements_are_not_met():
    with pytest.raises(issuing.RequirementsNotMet):
        issuing.issue_certificate(UserFactory(), simple_programme())


@pytest.mark.django_db
def test_issuing_twice_returns_the_same_certificate(django_capture_on_commit_callbacks):
    exam = make_exam()
    programme = simple_programme(exam)
    user = UserFactory()
    pass_exam(user, exam)
    with django_capture_on_commit_callbacks(execute=True):
        first = issuing.issue_certificate(user, programme)
        second = issuing.issue_certificate(user, programme)
    assert first.created and not second.created
    assert first.certificate.pk == second.certificate.pk
    assert Certificate.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_manual_award_needs_a_reason_and_records_it():
    programme = simple_programme()
    by = officer()
    holder = UserFactory()
    with pytest.raises(issuing.ReasonRequired):
        issuing.award_certificate(holder, programme, by=by, reason="  ")
    result = issuing.award_certificate(holder, programme, by=by, reason="海外讲师资质互认")
    assert result.created and result.certificate.origin == Certificate.Origin.MANUAL
    entry = AuditEntry.objects.get(action="awarded")
    assert (entry.actor, entry.reason) == (by, "海外讲师资质互认")


@pytest.mark.django_db
def test_an_award_while_the_mail_server_refuses_is_kept_and_mailed_once_later(
    settings, django_capture_on_commit_callbacks
):
    """The officer's award never waits on (or fails with) the mail server: the e-mail is a task
    of its own, left in the outbox when it fails and sent once by the relay."""
    from academy import outbox
    from tests.academy.test_mail_once import RefusingBackend

    settings.EMAIL_BACKEND = "tests.academy.test_mail_once.RefusingBackend"
    RefusingBackend.refusals = 100
    try:
        holder = UserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            result = issuing.award_certificate(
                holder, simple_programme(), by=officer(), reason="海外讲师资质互认"
            )
        certificate = Certificate.objects.get(pk=result.certificate.pk)
        assert certificate.pdf_sha256 and certificate.emailed_at is None
        assert mail.outbox == []
        RefusingBackend.refusals = 0
        outbox.OutboxTask.objects.update(available_at=timezone.now())
        outbox.relay()
        outbox.relay()
    finally:
        RefusingBackend.refusals = 0
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None
    assert [m.to for m in mail.outbox] == [[holder.email]]


@pytest.mark.django_db
def test_bulk_issue_reports_progress(django_capture_on_commit_callbacks):
    programme = simple_programme()
    holders = [UserFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        bulk = issuing.start_bulk_issue(programme, [h.pk for h in holders] + [999999], by=officer())
    bulk.refresh_from_db()
    assert (bulk.done, bulk.total, bulk.issued, bulk.failed) == (4, 4, 3, 1)
    assert bulk.finished_at is not None and bulk.percent == 100
    assert Certificate.objects.filter(programme=programme).count() == 3


@pytest.mark.django_db
def test_database_refuses_a_second_current_certificate_in_a_cycle():
    from django.db import IntegrityError

    programme = simple_programme()
    holder = UserFactory()
    certificate = award(holder, programme)
    with pytest.raises(IntegrityError):
        Certificate.objects.create(
            holder=holder,
            programme=programme,
            serial="TEST-0000-0000",
            issued_at=certificate.issued_at,
            cycle=certificate.cycle,
            version=2,
        )


# Serialized rollback, as the other transactional tests do: the flush after this test would
# otherwise leave rows (content types) that their restore then collides with.
@pytest.mark.services
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_issuing_at_once_create_one_certificate():
    exam = make_exam()
    programme = simple_programme(exam)
    user = UserFactory()
    pass_exam(user, exam)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(issuing.issue_certificate(user, programme, notify=False))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Certificate.objects.filter(holder=user, programme=programme).count() == 1
    assert sum(result.created for result in results) == 1
    assert len({result.certificate.pk for result in results}) == 1


@pytest.mark.django_db
def test_attendance_and_teaching_signals_issue(home_page, django_capture_on_commit_callbacks):
    from events.models import EventPage, Registration
    from events.signals import attendance_recorded, session_taught
    from tests.certification.factories_programmes import attend, lecturer, teach

    attending = make_programme(requirements=[(1, Kind.EVENTS_ATTENDED, {"count": 1})])
    teaching = make_programme(requirements=[(1, Kind.SESSIONS_TAUGHT, {"count": 1})])
    user = UserFactory()
    registration = attend(user, home_page)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_recorded.send(
            sender=Registration, registration=registration, attendance="attended", previous=""
        )
    assert Certificate.objects.filter(holder=user, programme=attending).exists()
    profile = lecturer()
    event = teach(profile, home_page)
    with django_capture_on_commit_callbacks(execute=True):
        session_taught.send(sender=EventPage, event=event, lecturer=profile)
    assert Certificate.objects.filter(holder=profile.user, programme=teaching).exists()
