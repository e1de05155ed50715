"""A real Celery worker on Redis runs a task, writes to the database and stores its result.

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise."""

from academy.tasks import send_welcome_email
from tests.conftest import needs_celery_worker
from tests.factories import UserFactory

pytestmark = needs_celery_worker


def test_real_worker_runs_task_and_stores_result(celery_worker_process):
    user = UserFactory()
    result = send_welcome_email.delay(user.pk, "en")
    assert result.get(timeout=60) is True
    assert result.successful()
    user.refresh_from_db()
    assert user.welcomed_at is not None
    # A second delivery of the same task is harmless: the worker sees it was already sent.
    assert send_welcome_email.delay(user.pk, "en").get(timeout=60) is False
