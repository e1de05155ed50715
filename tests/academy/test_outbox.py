"""The transactional outbox (academy/outbox.py): a task is recorded with the change that needs it,
sent after commit, and relayed later when it could not be sent; never sent twice at once."""

import os
import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from academy import outbox
from academy.models import OutboxTask
from academy.tasks import send_welcome_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_broker():
    """Publish instead of running tasks in-process (the pretend broker is patched in by tests)."""
    from academy import celery_app

    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def sent_to_broker(monkeypatch, with_broker):
    """Publish to a pretend broker: records (task, args, task_id) instead of sending."""

    published = []

    def apply_async(self, args=None, kwargs=None, task_id=None, **options):
        assert options == {"retry": False, "ignore_result": True}
        published.append((self.name, list(args), task_id))

    monkeypatch.setattr("celery.app.task.Task.apply_async", apply_async)
    return published


def make_row(**fields) -> OutboxTask:
    user = UserFactory()
    row = OutboxTask.objects.create(
        task=send_welcome_email.name, args=[user.pk, "en"], available_at=timezone.now()
    )
    OutboxTask.objects.filter(pk=row.pk).update(**fields)
    row.refresh_from_db()
    return row


# --- enqueue ---------------------------------------------------------------------------------


def test_enqueue_records_the_task_in_the_callers_transaction_and_sends_it_after_commit(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            row = outbox.enqueue(send_welcome_email, user.pk, "en")
            assert OutboxTask.objects.get(pk=row.pk).sent_at is None
        assert mail.outbox == []
    assert (row.task, row.args, row.kwargs) == (
        "academy.tasks.send_welcome_email",
        [user.pk, "en"],
        {},
    )
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: in-process (eager) here, as in the demo
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    user.refresh_from_db()
    assert user.welcomed_at is not None and len(mail.outbox) == 1


def test_a_rolled_back_change_leaves_no_task():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(send_welcome_email, user.pk)
        raise RuntimeError("the change failed")
    assert not OutboxTask.objects.exists()


def test_publish_sends_to_the_broker_with_a_recognisable_task_id_and_no_retries(
    sent_to_broker, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(send_welcome_email, user.pk, "en")
    assert sent_to_broker == [
        ("academy.tasks.send_welcome_email", [user.pk, "en"], f"outbox-{row.pk}")
    ]
    assert OutboxTask.objects.get(pk=row.pk).sent_at is not None


def test_an_error_in_an_in_process_task_is_logged_and_left_for_the_relay(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    user = UserFactory()

    def smtp_refuses(user_id, language=None):
        raise ValueError("mail server said no")

    monkeypatch.setattr("academy.services.send_welcome_email", smtp_refuses)
    with django_capture_on_commit_callbacks(execute=True):  # does not raise into the request
        row = outbox.enqueue(send_welcome_email, user.pk)
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    assert row.last_error == "ValueError: mail server said no"
    assert row.available_at > timezone.now()
    assert "left for the relay" in caplog.text

    monkeypatch.undo()
    with time_machine.travel(row.available_at + timedelta(seconds=1)):
        assert outbox.relay().sent == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2
    assert len(mail.outbox) == 1


def test_a_broker_that_is_down_costs_the_request_well_under_a_second(
    broker_down, django_capture_on_commit_callbacks
):
    user = UserFactory()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(send_welcome_email, user.pk)
    assert time.monotonic() - started < 1
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    assert "OperationalError" in row.last_error and "refused" in row.last_error


# --- relay -----------------------------------------------------------------------------------


def test_the_relay_leaves_a_new_row_to_its_own_commit_for_a_minute(sent_to_broker):
    user = UserFactory()
    with transaction.atomic():
        row = outbox.enqueue(send_welcome_email, user.pk)
    assert outbox.relay().sent == 0
    with time_machine.travel(timezone.now() + outbox.FIRST_RELAY_AFTER + timedelta(seconds=1)):
        assert outbox.relay().sent == 1
    assert [task_id for _, _, task_id in sent_to_broker] == [f"outbox-{row.pk}"]


def test_a_claimed_row_is_not_sent_by_a_second_relay_until_the_claim_lapses(sent_to_broker):
    row = make_row(claimed_until=timezone.now() + timedelta(seconds=60))
    assert outbox.publish(row.pk) is outbox.Outcome.SKIPPED
    assert outbox.relay().sent == 0 and sent_to_broker == []
    # The process holding it died: once the claim lapses, the relay takes it over.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert outbox.relay().sent == 1
    assert len(sent_to_broker) == 1


def test_two_relays_at_once_never_send_the_same_row(monkeypatch, with_broker):
    rows = [make_row() for _ in range(3)]
    sent, second_relay = [], []

    def publish_slowly(self, args=None, kwargs=None, task_id=None, **options):
        # While the first relay talks to the broker, a second one runs over the same rows.
        if not second_relay:
            second_relay.append(None)
            second_relay.append(outbox.relay().sent)
        sent.append(task_id)

    monkeypatch.setattr("celery.app.task.Task.apply_async", publish_slowly)
    first = outbox.relay().sent
    assert sorted(sent) == sorted(f"outbox-{row.pk}" for row in rows)  # each exactly once
    assert first + second_relay[1] == 3 and second_relay[1] == 2
    assert OutboxTask.objects.filter(sent_at__isnull=True).count() == 0


def test_a_sent_row_is_never_sent_again(sent_to_broker):
    row = make_row(sent_at=timezone.now())
    assert outbox.publish(row.pk) is outbox.Outcome.SKIPPED
    assert outbox.relay().sent == 0 and sent_to_broker == []


def test_the_relay_stops_at_a_broker_outage_and_backs_off_with_a_cap(monkeypatch, with_broker):
    rows = [make_row() for _ in range(3)]

    def refused(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("celery.app.task.Task.apply_async", refused)
    result = outbox.relay()
    assert (result.sent, result.failed, result.broker_down) == (0, 1, True)
    # Only the first row paid a timeout; the others wait for the broker untouched.
    assert [OutboxTask.objects.get(pk=row.pk).attempts for row in rows] == [1, 0, 0]

    waits = []
    now = timezone.now()
    for _ in range(8):
        row = OutboxTask.objects.get(pk=rows[0].pk)
        now = row.available_at
        with time_machine.travel(now, tick=False):
            outbox.publish(row.pk)
        waits.append((OutboxTask.objects.get(pk=row.pk).available_at - now).total_seconds())
    assert waits == [60, 120, 240, 300, 300, 300, 300, 300]
    assert OutboxTask.objects.get(pk=rows[0].pk).attempts == 9


def test_an_unknown_task_fails_alone_and_the_batch_goes_on(sent_to_broker):
    broken = make_row(task="academy.tasks.no_such_task")
    fine = make_row()
    result = outbox.relay()
    assert (result.sent, result.failed, result.broker_down) == (1, 1, False)
    assert "no_such_task" in OutboxTask.objects.get(pk=broken.pk).last_error
    assert OutboxTask.objects.get(pk=fine.pk).sent_at is not None


def test_relay_outbox_command_sends_what_waits_and_reports_the_backlog(sent_to_broker):
    make_row(available_at=timezone.now() + timedelta(minutes=3))
    out = StringIO()
    call_command("relay_outbox", stdout=out)
    assert out.getvalue().startswith("sent 0, failed 0; 1 still unsent, oldest")
    out = StringIO()
    call_command("relay_outbox", "--all", stdout=out)
    assert out.getvalue() == "sent 1, failed 0; 0 still unsent\n"
    assert len(sent_to_broker) == 1


# --- purge and backlog ------------------------------------------------------------------------


def test_purge_forgets_rows_sent_long_ago_and_keeps_the_rest():
    now = timezone.now()
    old = make_row(sent_at=now - timedelta(days=15))
    recent = make_row(sent_at=now - timedelta(days=13))
    unsent = make_row(created_at=now - timedelta(days=30))
    assert outbox.purge(days=14) == 1
    assert set(OutboxTask.objects.values_list("pk", flat=True)) == {recent.pk, unsent.pk}
    assert not OutboxTask.objects.filter(pk=old.pk).exists()


def test_backlog_counts_unsent_rows_and_the_age_of_the_oldest():
    now = timezone.now()
    assert outbox.backlog(now) == (0, None)
    make_row(created_at=now - timedelta(seconds=90))
    make_row(created_at=now - timedelta(seconds=10))
    make_row(created_at=now - timedelta(hours=2), sent_at=now)
    assert outbox.backlog(now) == (2, 90.0)


# --- admin -----------------------------------------------------------------------------------


def listing(response) -> str:
    """The table's rows (the filters above it name every task too)."""
    html = response.content.decode().split('<table class="listing', 1)[1]
    return html.split("<tbody", 1)[1].split("</tbody>", 1)[0]


def test_staff_see_the_outbox_read_only_with_filters(client):
    from django.utils import translation

    make_row(sent_at=timezone.now())
    waiting = make_row(task="growth.tasks.send_invitation", last_error="OperationalError: refused")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with translation.override("en"):
        page = client.get("/admin/outbox_tasks/?state=unsent", headers={"accept-language": "en"})
        assert page.status_code == 200
        rows = listing(page)
        assert "growth.tasks.send_invitation" in rows and "尚未发出" in rows
        assert "academy.tasks.send_welcome_email" not in rows
        rows = listing(client.get("/admin/outbox_tasks/?task=academy.tasks.send_welcome_email"))
        assert "academy.tasks.send_welcome_email" in rows and "send_invitation" not in rows
        assert client.get(f"/admin/outbox_tasks/inspect/{waiting.pk}/").status_code == 200
        # Rows change only through academy.outbox: no add, edit or delete, superusers included.
        assert client.get("/admin/outbox_tasks/new/").status_code in (302, 403)
        assert client.get(f"/admin/outbox_tasks/edit/{waiting.pk}/").status_code in (302, 403)
        assert client.get(f"/admin/outbox_tasks/delete/{waiting.pk}/").status_code in (302, 403)


def test_members_do_not_see_the_outbox(client):
    client.force_login(UserFactory())
    assert client.get("/admin/outbox_tasks/").status_code == 302


# --- real concurrency (PostgreSQL) -----------------------------------------------------------


@pytest.mark.services
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="concurrent relays need PostgreSQL (make test-services)",
)
def test_two_relays_in_parallel_on_postgresql_send_each_row_once(
    transactional_db, django_db_serialized_rollback, monkeypatch
):
    import threading

    from django.db import connections

    from academy import celery_app

    user = UserFactory()
    rows = OutboxTask.objects.bulk_create(
        OutboxTask(task=send_welcome_email.name, args=[user.pk], available_at=timezone.now())
        for _ in range(40)
    )
    sent, lock = [], threading.Lock()

    def slow_broker(self, args=None, kwargs=None, task_id=None, **options):
        time.sleep(0.01)  # the other relay runs meanwhile
        with lock:
            sent.append(task_id)

    monkeypatch.setattr("celery.app.task.Task.apply_async", slow_broker)
    celery_app.conf.task_always_eager = False
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            outbox.relay()
        finally:
            connections.close_all()

    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        celery_app.conf.task_always_eager = True
    assert sorted(sent) == sorted(f"outbox-{row.pk}" for row in rows)
    assert not OutboxTask.objects.filter(sent_at__isnull=True).exists()


def test_every_periodic_job_is_a_registered_task_scheduled_in_settings():
    """One place for beat's schedule: settings. Each entry names a task that exists."""
    from django.conf import settings

    from academy.celery import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert app.conf.beat_schedule == schedule
    assert {"outbox-relay", "events-send-reminders", "certification-expire-and-remind"} <= set(
        schedule
    )
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
