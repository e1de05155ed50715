"""Broker down, then back (issue 13): the five everyday actions (and a course completion) answer at once with their usual
page and leave their follow-up work in the outbox; once the broker answers, a real worker does
each piece of it once — every e-mail goes out once and the earned certificates are issued once.

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise."""

import time
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from academy.models import OutboxTask, User
from certification.models import Certificate, CourseCertificate
from certification.services import exams as exam_services
from courses import services as courses_services
from events import checkin
from events.models import Notification, Registration
from growth.models import Invitation
from tests.certification.factories_exams import correct_answers
from tests.certification.factories_exams import make_exam as make_exam_with_questions
from tests.certification.factories_programmes import Kind, make_programme, simple_programme
from tests.conftest import needs_celery_worker, wait_for
from tests.courses.content import en, make_catalogue, make_course, make_lesson
from tests.events.factories import event_staff, make_event, make_index, path_of
from tests.factories import UserFactory
from tests.growth.factories import admin_of

pytestmark = needs_celery_worker


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_broker_down_then_back_answers_at_once_and_delivers_everything_once(
    home_page, worker_keys, worker_mail, celery_worker_process, broker_down
):
    # --- set the scene (nothing of it sends mail) ---
    index = make_index(home_page)
    # Starting within the hour: the door accepts codes from two hours before the start.
    event = make_event(index, start=timezone.now() + timedelta(minutes=30))
    staff = event_staff()
    attendee = UserFactory(email="attendee@example.com")
    seat = Registration.objects.create(
        event=event, user=attendee, status=Registration.Status.CONFIRMED, code="C7000001"
    )
    attending = make_programme(requirements=[(1, Kind.EVENTS_ATTENDED, {"count": 1})])
    exam = make_exam_with_questions(questions=2)
    examined = simple_programme(exam)
    candidate = UserFactory(email="candidate@example.com")
    attempt, _ = exam_services.start(candidate, exam)
    exam_services.save_answers(attempt.pk, candidate, correct_answers(attempt))
    registrant = UserFactory(email="registrant@example.com")
    company_admin = admin_of()
    course = make_course(make_catalogue(home_page))
    last_lesson = make_lesson(course)
    learning = make_programme(requirements=[(1, Kind.COURSE_COMPLETED, {"course": course})])
    learner = UserFactory(email="learner@example.com")
    courses_services.enrol(learner, course)

    # --- the broker is down: each action answers with its usual page, at once ---
    timings = {}
    with translation.override("en"):
        anonymous = Client()
        # The process's first page compiles templates and imports views: not what is measured.
        assert anonymous.get("/accounts/signup/").status_code == 200
        response, timings["sign-up"] = timed(
            lambda: anonymous.post(
                "/accounts/signup/",
                {
                    "display_name": "张伟",
                    "email": "newcomer@example.com",
                    "password1": "Str0ng-passphrase!",
                    "password2": "Str0ng-passphrase!",
                    "company_choice": "create",
                    "new_provider_name": "苏州新锐科技有限公司",
                    "new_provider_city": "苏州",
                },
            )
        )
        assert response.status_code == 302, response.content[:500]

        client = Client()
        client.force_login(registrant)
        response, timings["event registration"] = timed(
            lambda: client.post(f"/events/{event.slug}/register/")
        )
        assert response.status_code == 302
        assert response["Location"] == f"/events/{event.slug}/#registration"

        client.force_login(candidate)
        response, timings["exam submit"] = timed(
            lambda: client.post(reverse("exams:submit", args=[attempt.pk]))
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("exams:result", args=[attempt.pk])

        client.force_login(staff)
        response, timings["check-in"] = timed(
            lambda: client.post(
                path_of(event, "en") + "check-in/",
                {"code": checkin.token_for(seat)},
                HTTP_ACCEPT="application/json",
            )
        )
        assert response.status_code == 200 and response.json()["outcome"] == "checked_in"

        client.force_login(learner)
        response, timings["course completion"] = timed(
            lambda: client.post(en(last_lesson) + "complete/")
        )
        assert response.status_code == 302

        client.force_login(company_admin.user)
        response, timings["team invitation"] = timed(
            lambda: client.post(
                "/my-academy/team/invite/", {"email": "invitee@example.com", "role": "member"}
            )
        )
        assert response.status_code == 302
    print("\nrequest times with the broker down:", {k: f"{v:.3f} s" for k, v in timings.items()})
    assert all(seconds < 1 for seconds in timings.values()), timings

    # Everything the actions committed is there; their follow-up work waits in the outbox.
    newcomer = User.objects.get(email="newcomer@example.com")
    assert newcomer.welcomed_at is None
    assert Registration.objects.get(event=event, user=registrant).status == "confirmed"
    assert Invitation.objects.filter(email="invitee@example.com").exists()
    waiting = OutboxTask.objects.filter(sent_at__isnull=True)
    assert sorted(waiting.values_list("task", flat=True)) == sorted(
        [
            "academy.tasks.send_welcome_email",
            "events.tasks.send_notification",
            "certification.tasks.check_programmes",  # the passed exam
            "certification.tasks.check_programmes",  # the attendance
            "certification.tasks.check_programmes",  # the completed course
            "certification.tasks.issue_course_certificate",  # the completed course's certificate
            "growth.tasks.send_invitation",
        ]
    )
    assert all(row.attempts == 1 and "refused" in row.last_error for row in waiting)
    assert not Certificate.objects.exists() and worker_mail() == {}

    # --- the broker is back: the relay delivers, the worker does each piece once ---
    broker_down()  # restores the configured broker
    out = StringIO()
    call_command("relay_outbox", "--all", stdout=out)
    assert out.getvalue() == "sent 7, failed 0; 0 still unsent\n"

    wait_for(
        lambda: Certificate.objects.filter(pdf_sha256__gt="").count() == 3,
        "issue three certificates",
    )
    expected = {
        "newcomer@example.com": 1,  # welcome
        "registrant@example.com": 1,  # registration confirmed
        "candidate@example.com": 1,  # certificate earned by the exam
        "attendee@example.com": 1,  # certificate earned by attending
        "learner@example.com": 1,  # certificate earned by completing the course
        "invitee@example.com": 1,  # invitation
    }
    wait_for(lambda: worker_mail() == expected, "send the six e-mails")
    newcomer.refresh_from_db()
    assert newcomer.welcomed_at is not None
    assert (
        Notification.objects.filter(
            registration__user=registrant, kind=Notification.Kind.CONFIRMED
        ).count()
        == 1
    )
    assert Certificate.objects.get(holder=candidate).programme == examined
    assert Certificate.objects.get(holder=attendee).programme == attending
    assert Certificate.objects.get(holder=learner).programme == learning

    # A second relay run has nothing left to send, so nothing is done twice.
    call_command("relay_outbox", "--all", stdout=StringIO())
    time.sleep(2)  # give a wrongly re-sent task the time to show up
    assert worker_mail() == expected
    assert Certificate.objects.count() == 3
    # The completed course's own certificate (no e-mail of its own), issued once.
    assert CourseCertificate.objects.filter(holder=learner).count() == 1
