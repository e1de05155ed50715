"""The invitation e-mail task on a real Celery worker (Redis broker, PostgreSQL).

Runs in `make test-services`; skipped otherwise. The worker's mail goes to its own locmem
outbox, so the task's result and the ledger (academy.mail) say whether it sent."""

import time

from django.utils import timezone

from academy.models import OutgoingMail
from growth import tasks
from growth.models import Invitation
from growth.services.team import invite
from tests.conftest import needs_celery_worker
from tests.growth.factories import admin_of

pytestmark = needs_celery_worker


def test_invitation_mail_is_sent_once_by_the_worker_and_not_once_withdrawn(celery_worker_process):
    admin = admin_of()
    invitation = invite(admin, "worker@example.com")
    # invite() enqueued the mail; the worker sends it, and running the task again sends nothing.
    sent = OutgoingMail.objects.filter(kind="invitation", status=OutgoingMail.Status.SENT)
    deadline = time.monotonic() + 60
    while not sent.exists():
        assert time.monotonic() < deadline, "the worker did not send the invitation"
        time.sleep(0.2)
    assert tasks.send_invitation.delay(invitation.pk).get(timeout=60) is False
    assert sent.get().recipients == "worker@example.com"

    withdrawn = Invitation.objects.create(
        provider=admin.provider,
        email="withdrawn@example.com",
        invited_by=admin.user,
        revoked_at=timezone.now(),
    )
    assert tasks.send_invitation.delay(withdrawn.pk).get(timeout=60) is False
    assert not OutgoingMail.objects.filter(recipients="withdrawn@example.com").exists()
