"""The sweeps that catch what the signals missed (issue 13.3): the daily programme sweep issues
what is due that no fact announced, the hourly completion sweep finishes certificates left
without their signed PDF or e-mail, and every batch job handles each item on its own."""

import logging
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from academy import batches
from academy.models import OutboxTask
from certification.models import Attempt, Certificate
from certification.services import exams as exam_services
from certification.services import issuing, programmes
from certification.tasks import complete_certificates, daily_certificate_lifecycle
from tests.certification.factories_exams import make_exam as make_exam_with_questions
from tests.certification.factories_programmes import (  # noqa: F401
    Kind,
    approve,
    attend,
    complete_course,
    lecturer,
    make_course_page,
    make_exam,
    make_programme,
    officer,
    pass_exam,
    signing_key_dir,
    signing_keys,
    simple_programme,
    teach,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """Run a job and then the tasks it queued (the outbox sends them once the job commits)."""

    def run(job, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return job(*args)

    return run


def test_the_sweep_issues_a_session_taught_that_no_signal_announced(home_page, delivered):
    # A session counts as taught once the event has ended; staff never closed its attendance,
    # so session_taught was never sent and nothing re-checked the lecturer's programmes.
    teaching = make_programme(requirements=[(1, Kind.SESSIONS_TAUGHT, {"count": 1})])
    profile = lecturer()
    teach(profile, home_page)
    assert not Certificate.objects.exists()

    assert delivered(programmes.sweep_programmes) == 1
    certificate = Certificate.objects.get(holder=profile.user, programme=teaching)
    assert certificate.pdf_sha256 and certificate.emailed_at
    assert [m.to for m in mail.outbox] == [[profile.user.email]]

    # The next day finds nobody: the holder has a valid certificate now.
    assert delivered(programmes.sweep_programmes) == 0
    assert Certificate.objects.count() == 1 and len(mail.outbox) == 1


def test_candidates_have_evidence_for_every_group_and_no_current_certificate(home_page):
    course = make_course_page(home_page)
    exam = make_exam()
    programme = make_programme(
        requirements=[
            (1, Kind.COURSE_COMPLETED, {"course": course}),
            (2, Kind.EXAM_PASSED, {"exam": exam}),
            (2, Kind.EVENTS_ATTENDED, {"count": 2}),  # or two events
        ]
    )
    by_exam, by_events, half, one_event = (UserFactory() for _ in range(4))
    for person in (by_exam, by_events, half, one_event):
        complete_course(person, course)
    pass_exam(by_exam, exam)
    attend(by_events, home_page)
    attend(by_events, home_page)
    attend(one_event, home_page)
    nameless = UserFactory(display_name="")
    complete_course(nameless, course)
    pass_exam(nameless, exam)
    revoked, valid = UserFactory(), UserFactory()
    for person in (revoked, valid):
        complete_course(person, course)
        pass_exam(person, exam)
        issuing.issue_certificate(person, programme)
    issuing.revoke_certificate(Certificate.objects.get(holder=revoked), by=officer(), reason="违规")
    expired = UserFactory()
    complete_course(expired, course)
    pass_exam(expired, exam)
    Certificate.objects.filter(
        pk=issuing.issue_certificate(expired, programme).certificate.pk
    ).update(status=Certificate.Status.EXPIRED)

    # `half` lacks group 2; `one_event` has too few events; the nameless one is re-checked when
    # they give their name; a revoked holder waits for an officer; the valid one is done. The
    # expired holder still qualifies: a new cycle is due.
    assert set(programmes.candidates(programme)) == {by_exam, by_events, expired}


def test_candidates_by_ratings_and_approval(home_page):
    programme = make_programme(
        requirements=[
            (1, Kind.RATING, {"min_rating": Decimal("4.0"), "count": 2}),
            (2, Kind.OFFICER_APPROVAL, {}),
        ]
    )
    rated, once_rated = lecturer(), lecturer()
    teach(rated, home_page, ratings=[5, 4])
    teach(once_rated, home_page, ratings=[5])
    for profile in (rated, once_rated):
        approve(profile.user, programme)
    assert list(programmes.candidates(programme)) == [rated.user]


def test_a_failing_candidate_is_logged_and_the_sweep_goes_on(
    home_page, delivered, monkeypatch, caplog
):
    exam = make_exam()
    programme = simple_programme(exam)
    unlucky, lucky = UserFactory(), UserFactory()
    for person in (unlucky, lucky):
        pass_exam(person, exam)
    evaluate = programmes.programme_progress

    def database_hiccup_for_one(holder, programme):
        if holder.pk == unlucky.pk:
            raise ConnectionResetError("server closed the connection unexpectedly")
        return evaluate(holder, programme)

    monkeypatch.setattr(programmes, "programme_progress", database_hiccup_for_one)
    with caplog.at_level(logging.ERROR, logger="academy.batches"):
        assert delivered(programmes.sweep_programmes) == 1
    assert "ConnectionResetError" in caplog.text and "left for the next run" in caplog.text
    assert list(Certificate.objects.values_list("holder", flat=True)) == [lucky.pk]
    monkeypatch.undo()
    assert delivered(programmes.sweep_programmes) == 1  # the next run picks the unlucky one up
    assert Certificate.objects.filter(holder=unlucky, programme=programme).count() == 1


def test_a_renewal_whose_pdf_failed_is_completed_by_the_hourly_sweep(delivered, settings, tmp_path):
    exam = make_exam()
    programme = simple_programme(exam, renewal_window_days=45)
    holder = UserFactory()
    pass_exam(holder, exam)
    first = issuing.issue_certificate(holder, programme).certificate
    mail.outbox.clear()
    keys = settings.CERT_SIGNING_KEY
    renewal_day = first.expires_at - timedelta(days=40)
    with time_machine.travel(renewal_day, tick=False):
        settings.CERT_SIGNING_KEY = str(tmp_path / "gone.pem")  # the key is not there today
        assert delivered(daily_certificate_lifecycle)["renewed"] == 0
    renewed = Certificate.objects.get(holder=holder, cycle=2)
    assert renewed.status == "valid" and not renewed.pdf_sha256 and not mail.outbox

    settings.CERT_SIGNING_KEY = keys  # fixed
    with time_machine.travel(renewal_day + timedelta(minutes=5), tick=False):
        assert delivered(complete_certificates) == 0  # its own task may still be at it
    with time_machine.travel(renewal_day + timedelta(hours=1), tick=False):
        assert delivered(complete_certificates) == 1
        assert delivered(complete_certificates) == 0  # done: nothing left to complete
    renewed.refresh_from_db()
    assert renewed.pdf_sha256 and renewed.emailed_at
    assert [m.to for m in mail.outbox] == [[holder.email]]
    assert [name for name, *_ in mail.outbox[0].attachments] == [f"{renewed.serial}.pdf"]


def test_a_missed_email_is_sent_late_only_within_a_week(delivered):
    programme = simple_programme()
    recent, old = UserFactory(), UserFactory()
    now = timezone.now()
    for person, issued in ((recent, now - timedelta(days=2)), (old, now - timedelta(days=30))):
        with time_machine.travel(issued, tick=False):
            issuing.award_certificate(person, programme, by=None, reason="测试", notify=False)
    assert Certificate.objects.filter(emailed_at__isnull=True).count() == 2
    assert delivered(complete_certificates) == 1
    assert [m.to for m in mail.outbox] == [[recent.email]]


def test_overdue_attempts_are_closed_one_by_one(monkeypatch, caplog):
    exam = make_exam_with_questions(questions=2, time_limit_minutes=10)
    first, second = UserFactory(), UserFactory()
    attempts = [exam_services.start(person, exam)[0] for person in (first, second)]
    finish = exam_services._finish

    def broken_for_the_first(attempt, now, **kwargs):
        if attempt.pk == attempts[0].pk:
            raise RuntimeError("a question bank row was damaged")
        return finish(attempt, now, **kwargs)

    monkeypatch.setattr(exam_services, "_finish", broken_for_the_first)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert exam_services.close_overdue_attempts() == 1
    assert "a question bank row was damaged" in caplog.text
    states = dict(Attempt.objects.values_list("pk", "state"))
    assert states == {attempts[0].pk: "in_progress", attempts[1].pk: "graded"}
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert exam_services.close_overdue_attempts() == 1  # the next run closes the first one


def test_batches_yield_each_outcome_and_re_raise_the_time_limit():
    from celery.exceptions import SoftTimeLimitExceeded

    def work(n):
        if n == 2:
            raise ValueError("two")
        return n > 1

    assert list(batches.each([1, 2, 3], work, job="t")) == [
        (1, False),
        (2, batches.FAILED),
        (3, True),
    ]
    result = batches.run([1, 2, 3], work, job="t")
    assert (result.done, result.failed) == (1, [2])

    def out_of_time(n):
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        batches.run([1], out_of_time, job="t")


def test_the_operators_command_runs_both_sweeps(home_page, delivered):
    make_programme(requirements=[(1, Kind.SESSIONS_TAUGHT, {"count": 1})])
    teach(lecturer(), home_page)
    out = StringIO()
    delivered(lambda: call_command("sweep_certificates", stdout=out))
    assert out.getvalue() == "queued 1 issue(s), 0 completion(s)\n"
    assert Certificate.objects.count() == 1
    assert OutboxTask.objects.filter(task="certification.tasks.issue_certificate").count() == 1
