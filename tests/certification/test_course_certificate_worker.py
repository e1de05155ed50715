"""A real Celery worker issues the course certificate after the course completes: the receiver
records the task in the outbox inside the completion's transaction, it is sent once that commits,
and a second delivery of the same task leaves one certificate.

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise."""

from django.db import transaction

from certification.models import CourseCertificate
from certification.tasks import issue_course_certificate
from courses import services as learning
from tests.conftest import needs_celery_worker, wait_for
from tests.courses.content import make_catalogue, make_course, make_lesson
from tests.factories import UserFactory

pytestmark = needs_celery_worker


def test_worker_issues_the_course_certificate_on_commit_once(
    worker_keys, celery_worker_process, home_page, client
):
    course = make_course(make_catalogue(home_page), "微信支付商家接入")
    lessons = [make_lesson(course), make_lesson(course)]
    user = UserFactory(display_name="李娜")
    learning.enrol(user, course)
    learning.mark_lesson_complete(user, lessons[0])
    with transaction.atomic():
        outcome = learning.mark_lesson_complete(user, lessons[1])
        assert outcome.course_completed_now
        # Nothing is issued before the commit: the worker must see the completion.
        assert not CourseCertificate.objects.exists()
    wait_for(
        lambda: CourseCertificate.objects.filter(holder=user, pdf_sha256__gt="").exists(),
        "issue and sign the course certificate",
        seconds=60,
    )
    certificate = CourseCertificate.objects.get(holder=user)
    # The task delivered again (the relay after a lost acknowledgement) finds the same one.
    assert issue_course_certificate.delay(user.pk, course.pk).get(timeout=60) == certificate.serial
    assert CourseCertificate.objects.filter(holder=user, course=course).count() == 1
    page = client.get(f"/en/verify/{certificate.serial}/").content.decode()
    assert "Course certificate" in page and "微信支付商家接入" in page
