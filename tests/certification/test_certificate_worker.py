"""A real Celery worker issues the certificate after an exam_passed signal, enqueued on commit;
the same task delivered twice still leaves one certificate.

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from certification.models import Certificate
from certification.signals import exam_passed
from certification.tasks import issue_certificate
from tests.certification.factories_programmes import make_exam, pass_exam, simple_programme
from tests.conftest import needs_celery_worker
from tests.factories import UserFactory

pytestmark = needs_celery_worker


@pytest.fixture
def worker_keys(monkeypatch, settings, tmp_path):
    """Signing keys the worker subprocess finds through its environment."""
    for name, file in (
        ("CERT_SIGNING_KEY", "signer.key.pem"),
        ("CERT_SIGNING_CERT", "signer.cert.pem"),
        ("CERT_SIGNING_CHAIN", "ca.cert.pem"),
    ):
        monkeypatch.setenv(name, str(tmp_path / file))
        setattr(settings, name, str(tmp_path / file))
    call_command("create_signing_keys", stdout=StringIO())


def test_worker_issues_on_commit_once(worker_keys, celery_worker_process):
    exam = make_exam()
    programme = simple_programme(exam)
    user = UserFactory()
    with transaction.atomic():
        attempt = pass_exam(user, exam)
        exam_passed.send(sender=type(attempt), user=user, exam=exam, attempt=attempt)
        # Nothing is queued before the commit: the worker must see the passed attempt.
        assert not Certificate.objects.exists()
    deadline = time.monotonic() + 60
    while not Certificate.objects.filter(holder=user, pdf_sha256__gt="").exists():
        assert time.monotonic() < deadline, "the worker issued nothing within 60 s"
        time.sleep(0.2)
    serial = Certificate.objects.get(holder=user).serial
    assert issue_certificate.delay(user.pk, programme.pk).get(timeout=60) == serial
    assert Certificate.objects.filter(holder=user, programme=programme).count() == 1
