"""A real Celery worker issues the certificate after a pass's programme re-check, enqueued on
commit; the same task delivered twice still leaves one certificate; a worker killed in the middle
of issuing hands the task to its successor, which finishes it once.

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise."""

import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from certification.models import Certificate, CertificateSettings
from certification.services import issuing
from certification.tasks import issue_certificate
from tests.certification.factories_programmes import make_exam, pass_exam, simple_programme
from tests.conftest import needs_celery_worker, wait_for
from tests.factories import UserFactory

pytestmark = needs_celery_worker


def test_worker_issues_on_commit_once(worker_keys, celery_worker_process):
    exam = make_exam()
    programme = simple_programme(exam)
    user = UserFactory()
    with transaction.atomic():
        pass_exam(user, exam)
        issuing.check_programmes_later(user.pk)  # what grading a pass calls
        # Nothing is queued before the commit: the worker must see the passed attempt.
        assert not Certificate.objects.exists()
    deadline = time.monotonic() + 60
    while not Certificate.objects.filter(holder=user, pdf_sha256__gt="").exists():
        assert time.monotonic() < deadline, "the worker issued nothing within 60 s"
        time.sleep(0.2)
    serial = Certificate.objects.get(holder=user).serial
    assert issue_certificate.delay(user.pk, programme.pk).get(timeout=60) == serial
    assert Certificate.objects.filter(holder=user, programme=programme).count() == 1


@contextmanager
def table_locked(table: str):
    """Another session holds an ACCESS EXCLUSIVE lock on `table`: whoever reads it waits."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        other.rollback()
        other.close()


def backend_waiting_on(table: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE %s",
            [f"%{table}%"],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def test_a_worker_killed_while_drawing_the_pdf_hands_the_issue_to_its_successor(
    worker_keys, worker_mail, celery_workers
):
    exam = make_exam()
    programme = simple_programme(exam)
    user = UserFactory(email="holder@example.com")
    CertificateSettings.load()  # its row exists before its table is locked
    # Prefork: the pool's child runs the task; its parent sees the child die and, with acks_late
    # and reject_on_worker_lost, puts the message back for the next child.
    worker = celery_workers("-P", "prefork", "-c", "1")
    table = CertificateSettings._meta.db_table
    with table_locked(table):
        with transaction.atomic():
            pass_exam(user, exam)
            issuing.check_programmes_later(user.pk)  # what grading a pass calls
        # The record is committed; drawing the PDF reads the certificate's look and waits here,
        # holding the certificate's row lock: the middle of issuing.
        wait_for(lambda: backend_waiting_on(table), "start drawing the PDF", seconds=30)
        certificate = Certificate.objects.get(holder=user, programme=programme)
        assert not certificate.pdf_sha256 and worker_mail() == {}
        [child] = map(
            int, Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        )
        os.kill(child, signal.SIGKILL)
    # The killed child's database session ends with it (its transaction rolls back, the row lock
    # goes); a new child takes the message again and finishes the certificate.
    wait_for(
        lambda: Certificate.objects.filter(pk=certificate.pk, pdf_sha256__gt="").exists(),
        "finish the certificate",
        seconds=60,
    )
    wait_for(lambda: worker_mail() == {"holder@example.com": 1}, "e-mail it")
    assert worker.poll() is None  # the worker itself lived on
    assert Certificate.objects.filter(holder=user).count() == 1
    time.sleep(1)  # a wrongly repeated task would show up here
    assert worker_mail() == {"holder@example.com": 1}
