"""Retention (academy/retention.py, ACADEMY_RETENTION): each rule removes only what is due, a dry
run touches nothing, and every run is recorded where officers read it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from academy import retention
from academy.models import OutboxTask, OutgoingMail, RetentionRun
from events.models import Notification, Registration
from tests.events.factories import make_event, make_index
from tests.factories import UserFactory

NOW = timezone.now()
DAY = timedelta(days=1)


@pytest.fixture
def retention_days(settings):
    settings.ACADEMY_RETENTION = {
        **settings.ACADEMY_RETENTION,
        "sessions": 7,
        "email_log": 14,
        "outbox": 14,
        "event_notifications": 180,
    }


def test_sessions_go_a_week_after_they_expired(db, retention_days):
    for key, expired in [("due", NOW - 8 * DAY), ("recent", NOW - 6 * DAY), ("live", NOW + DAY)]:
        Session.objects.create(session_key=key, session_data="", expire_date=expired)
    counts = {o.rule.name: o.count for o in retention.apply_all()}
    assert counts["sessions"] == 1
    assert set(Session.objects.values_list("session_key", flat=True)) == {"recent", "live"}


def test_mail_records_go_once_sent_or_given_up_long_enough_ago(db, retention_days):
    Status = OutgoingMail.Status
    rows = {
        "sent-old": {
            "status": Status.SENT,
            "sent_at": NOW - 15 * DAY,
            "created_at": NOW - 15 * DAY,
        },
        "sent-new": {
            "status": Status.SENT,
            "sent_at": NOW - 13 * DAY,
            "created_at": NOW - 13 * DAY,
        },
        "failed-old": {"status": Status.FAILED, "created_at": NOW - 15 * DAY},
        "dropped-old": {"status": Status.DROPPED, "created_at": NOW - 15 * DAY},
        "failed-new": {"status": Status.FAILED, "created_at": NOW - DAY},
        "sending-old": {"status": Status.SENDING, "created_at": NOW - 30 * DAY},
    }
    for key, fields in rows.items():
        OutgoingMail.objects.create(key=key, kind="welcome", **fields)
    counts = {o.rule.name: o.count for o in retention.apply_all()}
    assert counts["outgoing_mail"] == 3
    assert set(OutgoingMail.objects.values_list("key", flat=True)) == {
        "sent-new",
        "failed-new",
        "sending-old",
    }


def test_outbox_rows_go_once_handed_over_long_enough_ago(db, retention_days):
    old = OutboxTask.objects.create(task="a", sent_at=NOW - 15 * DAY)
    recent = OutboxTask.objects.create(task="b", sent_at=NOW - 13 * DAY)
    unsent = OutboxTask.objects.create(task="c", created_at=NOW - 60 * DAY)
    counts = {o.rule.name: o.count for o in retention.apply_all()}
    assert counts["outbox"] == 1
    assert set(OutboxTask.objects.values_list("pk", flat=True)) == {recent.pk, unsent.pk}
    assert not OutboxTask.objects.filter(pk=old.pk).exists()


def test_event_notification_keys_go_only_long_after_the_event_ended(db, home_page, retention_days):
    index = make_index(home_page)
    long_ago = make_event(index, start=NOW - 200 * DAY)
    lately = make_event(index, start=NOW - 20 * DAY)
    coming = make_event(index, start=NOW + 10 * DAY)
    for n, event in enumerate([long_ago, lately, coming]):
        registration = Registration.objects.create(
            event=event, user=UserFactory(), status="confirmed", code=f"R{n}"
        )
        Notification.objects.create(registration=registration, kind="confirmed")
    counts = {o.rule.name: o.count for o in retention.apply_all()}
    assert counts["event_notifications"] == 1
    kept = set(Notification.objects.values_list("registration__event_id", flat=True))
    assert kept == {lately.pk, coming.pk}
    assert Registration.objects.count() == 3  # the registrations themselves are the record


def test_dry_run_counts_and_touches_nothing_and_the_command_prints_each_rule(db, retention_days):
    OutboxTask.objects.create(task="a", sent_at=NOW - 15 * DAY)
    Session.objects.create(session_key="due", session_data="", expire_date=NOW - 30 * DAY)
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "outbox: would remove 1" in text and "sessions: would remove 1" in text
    assert "verify_uploads: never stored" in text and "audit_log: kept" in text
    assert OutboxTask.objects.count() == 1 and Session.objects.count() == 1
    assert not RetentionRun.objects.exists()

    call_command("apply_retention", stdout=StringIO())
    assert OutboxTask.objects.count() == 0 and Session.objects.count() == 0
    run = RetentionRun.objects.get()
    assert run.counts["outbox"] == 1 and run.total == 2
    entry = ModelLogEntry.objects.get(action="academy.retention_applied")
    assert entry.data["counts"]["sessions"] == 1


def test_a_kind_kept_forever_is_never_applied(db, settings):
    settings.ACADEMY_RETENTION = {**settings.ACADEMY_RETENTION, "outbox": None}
    OutboxTask.objects.create(task="a", sent_at=NOW - 999 * DAY)
    outcome = next(o for o in retention.apply_all() if o.rule.name == "outbox")
    assert outcome.days is None and OutboxTask.objects.count() == 1


def test_the_daily_job_is_on_the_beat_schedule(settings):
    from academy import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "academy.tasks.apply_retention"
    assert tasks.apply_retention.name == "academy.tasks.apply_retention"


def test_verify_uploads_are_never_stored(client, db, settings, tmp_path):
    """The verify page reads an uploaded PDF and forgets it: nothing in media, and the temporary
    file Django spools a large upload to is gone when the request ends."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload spooled to disk, to see it go
    (tmp_path / "spool").mkdir()
    pdf = SimpleUploadedFile("c.pdf", b"%PDF-1.7\n" + b"0" * 4096, "application/pdf")
    response = client.post("/verify/upload/", {"file": pdf})
    assert response.status_code == 200
    assert settings.ACADEMY_RETENTION["verify_uploads"] == "never stored"
    assert list((tmp_path / "spool").iterdir()) == []
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*"))
