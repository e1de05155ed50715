"""The beat job closing abandoned attempts, on a real Celery worker (Redis broker, PostgreSQL).

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise.
"""

from datetime import timedelta

from django.utils import timezone

from certification import tasks
from certification.models import Attempt
from certification.services import exams as services
from tests.certification.factories_exams import correct_answers, make_exam
from tests.conftest import needs_celery_worker
from tests.factories import UserFactory

pytestmark = needs_celery_worker


def test_abandoned_attempt_closed_once_by_the_worker(celery_worker_process):
    exam = make_exam(questions=3, time_limit_minutes=30)
    user = UserFactory()
    attempt, _ = services.start(user, exam)
    services.save_answers(attempt.pk, user, correct_answers(attempt))
    # The candidate went away; their deadline passed a minute ago.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))

    first = tasks.close_abandoned_attempts.delay()
    second = tasks.close_abandoned_attempts.delay()
    assert first.get(timeout=60) + second.get(timeout=60) == 1
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED and attempt.auto_submitted
    assert attempt.score == 100 and attempt.passed
