"""The invitation e-mail task on a real Celery worker (Redis broker, PostgreSQL).

Runs in `make test-services`; skipped otherwise. The worker's mail goes to its own locmem
outbox, so the task's result says whether it sent."""

from django.utils import timezone

from growth import tasks
from growth.services.team import invite
from tests.conftest import needs_celery_worker
from tests.growth.factories import admin_of

pytestmark = needs_celery_worker


def test_invitation_mail_is_sent_by_the_worker_and_not_once_withdrawn(celery_worker_process):
    invitation = invite(admin_of(), "worker@example.com")
    assert tasks.send_invitation.delay(invitation.pk).get(timeout=60) is True
    invitation.revoked_at = timezone.now()
    invitation.save()
    assert tasks.send_invitation.delay(invitation.pk).get(timeout=60) is False
