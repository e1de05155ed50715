"""Every kind of e-mail goes once through academy.mail.send_once: a task run twice sends one mail,
a refused send marks nothing and its retry sends it once, and no row lock is held while the mail
server talks (that last part on PostgreSQL, in `make test-services`)."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from smtplib import SMTPDataError

import pytest
import time_machine
from celery import Task
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections, transaction
from django.utils import timezone

from academy import mail as academy_mail
from academy import tasks as academy_tasks
from academy.models import JoinRequest, OutgoingMail, User
from certification import tasks as certification_tasks
from certification.models import Certificate
from certification.services import issuing
from events import checkin
from events import services as event_services
from events import tasks as event_tasks
from events.models import Notification, Registration
from growth import tasks as growth_tasks
from growth.models import Invitation
from growth.services import team
from tests.certification.factories_programmes import (
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.events.factories import make_event, make_index
from tests.factories import UserFactory, make_home_page
from tests.growth.factories import admin_of

__all__ = ["signing_key_dir", "signing_keys"]  # fixtures, used through usefixtures

Status = OutgoingMail.Status


@dataclass
class Mail:
    task: Task
    args: tuple
    to: str
    marked: Callable[[], bool]  # the domain's own record says it went
    locked_row: object  # the row its claim locks (None: it takes no domain lock)


def welcome() -> Mail:
    user = UserFactory(email="welcome@example.com")
    return Mail(
        academy_tasks.send_welcome_email,
        (user.pk,),
        user.email,
        lambda: User.objects.get(pk=user.pk).welcomed_at is not None,
        user,
    )


def join_request_notice() -> Mail:
    admin = admin_of()
    request = JoinRequest.objects.create(user=UserFactory(), provider=admin.provider)
    return Mail(
        academy_tasks.notify_join_request,
        (request.pk,),
        admin.user.email,
        lambda: JoinRequest.objects.get(pk=request.pk).admins_notified_at is not None,
        request,
    )


def join_decision() -> Mail:
    admin = admin_of()
    request = JoinRequest.objects.create(
        user=UserFactory(email="asker@example.com"),
        provider=admin.provider,
        status=JoinRequest.Status.APPROVED,
        decided_at=timezone.now(),
    )
    return Mail(
        academy_tasks.notify_join_decision,
        (request.pk,),
        "asker@example.com",
        lambda: JoinRequest.objects.get(pk=request.pk).requester_notified_at is not None,
        request,
    )


# The setups write their rows directly, not through the services: those enqueue the mail, which a
# transactional test would send on commit, before the test runs the task.


def event_confirmation() -> Mail:
    event = make_event(make_index(make_home_page()))
    registration = Registration.objects.create(
        event=event,
        user=UserFactory(email="seat@example.com"),
        status=Registration.Status.CONFIRMED,
        code=checkin.new_code(),
        confirmed_at=timezone.now(),
    )
    return Mail(
        event_tasks.send_notification,
        (registration.pk, Notification.Kind.CONFIRMED),
        "seat@example.com",
        lambda: Notification.objects.filter(registration=registration, kind="confirmed").exists(),
        registration,
    )


def _certificate() -> Certificate:
    holder = UserFactory(email="holder@example.com")
    return issuing.award_certificate(
        holder, simple_programme(), by=None, reason="测试颁发", notify=False
    ).certificate


def certificate_issued() -> Mail:
    certificate = _certificate()
    return Mail(
        certification_tasks.email_certificate,
        (certificate.pk,),
        "holder@example.com",
        lambda: Certificate.objects.get(pk=certificate.pk).emailed_at is not None,
        certificate,
    )


def expiry_reminder() -> Mail:
    certificate = _certificate()
    return Mail(
        certification_tasks.send_expiry_reminder,
        (certificate.pk, 30),
        "holder@example.com",
        lambda: 30 in Certificate.objects.get(pk=certificate.pk).reminders_sent,
        certificate,
    )


def invitation() -> Mail:
    admin = admin_of()
    invited = Invitation.objects.create(
        provider=admin.provider, email="invitee@example.com", invited_by=admin.user
    )
    return Mail(
        growth_tasks.send_invitation,
        (invited.pk,),
        "invitee@example.com",
        lambda: OutgoingMail.objects.filter(kind="invitation", status=Status.SENT).exists(),
        invited,
    )


KINDS = {
    "welcome": welcome,
    "join request": join_request_notice,
    "join decision": join_decision,
    "event confirmation": event_confirmation,
    "certificate": certificate_issued,
    "expiry reminder": expiry_reminder,
    "invitation": invitation,
}


class RefusingBackend(EmailBackend):
    """The test mail box, behind a mail server that refuses the next `refusals` sends."""

    refusals = 0

    def send_messages(self, messages):
        if RefusingBackend.refusals:
            RefusingBackend.refusals -= 1
            raise SMTPDataError(554, b"5.7.1 refused for now")
        return super().send_messages(messages)


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    def refuse(times: int) -> None:
        RefusingBackend.refusals = times

    yield refuse
    RefusingBackend.refusals = 0


def recipients() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


@pytest.mark.django_db
@pytest.mark.usefixtures("signing_keys")
class TestOnce:
    @pytest.fixture(autouse=True)
    def empty_mailbox(self):
        mail.outbox.clear()

    @pytest.mark.parametrize("kind", KINDS)
    def test_each_mail_is_sent_once_when_its_task_runs_twice(self, kind):
        sent = KINDS[kind]()
        assert not sent.marked()
        sent.task.delay(*sent.args).get()
        sent.task.delay(*sent.args).get()
        assert recipients() == [sent.to]
        assert sent.marked()
        row = OutgoingMail.objects.get()
        assert (row.status, row.attempts, row.recipients) == (Status.SENT, 1, sent.to)
        assert row.sent_at is not None and row.subject == mail.outbox[0].subject

    @pytest.mark.parametrize("kind", KINDS)
    def test_a_refused_send_marks_nothing_and_the_next_run_sends_once(self, kind, refusing):
        sent = KINDS[kind]()
        refusing(1)
        with pytest.raises(SMTPDataError):
            sent.task(*sent.args)  # called directly: the error comes out instead of a retry
        assert recipients() == [] and not sent.marked()
        row = OutgoingMail.objects.get()
        assert row.status == Status.FAILED and "refused for now" in row.last_error
        sent.task(*sent.args)
        sent.task(*sent.args)
        assert recipients() == [sent.to] and sent.marked()
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")

    @pytest.mark.parametrize("kind", ["welcome", "event confirmation", "invitation"])
    def test_the_tasks_own_retry_sends_a_refused_mail_once(self, kind, refusing):
        sent = KINDS[kind]()
        refusing(1)
        # As a worker runs it: retried on OSError (eagerly here, at once).
        result = sent.task.apply(args=sent.args, throw=False)
        assert result.successful()
        assert recipients() == [sent.to] and sent.marked()
        assert OutgoingMail.objects.get().attempts == 2


@pytest.mark.django_db
class TestClaims:
    @pytest.fixture(autouse=True)
    def empty_mailbox(self):
        mail.outbox.clear()

    def test_a_sent_key_is_never_sent_again(self):
        user = UserFactory()
        assert academy_tasks.send_welcome_email(user.pk) is True
        # Even with the domain's record gone, the key stands.
        User.objects.filter(pk=user.pk).update(welcomed_at=None)
        assert academy_tasks.send_welcome_email(user.pk) is False
        assert len(mail.outbox) == 1

    def test_a_claim_is_left_to_its_sender_until_the_lease_passes_then_taken_over(self):
        user = UserFactory()
        claimed = timezone.now()
        OutgoingMail.objects.create(
            key=f"welcome:user:{user.pk}",
            kind="welcome",
            status=Status.SENDING,
            claimed_at=claimed,
            attempts=1,
        )
        with pytest.raises(academy_mail.SendInProgress) as busy:
            academy_mail_send_welcome(user)
        assert 290 < busy.value.retry_after <= 301
        assert mail.outbox == []
        # The sender died: after the lease the mail goes, once.
        with time_machine.travel(claimed + academy_mail.LEASE + timedelta(seconds=1)):
            assert academy_mail_send_welcome(user) is True
            assert academy_mail_send_welcome(user) is False
        row = OutgoingMail.objects.get()
        assert (row.status, row.attempts, len(mail.outbox)) == (Status.SENT, 2, 1)

    def test_the_task_looks_again_once_another_senders_lease_has_passed(self, monkeypatch):
        user = UserFactory()
        OutgoingMail.objects.create(
            key=f"welcome:user:{user.pk}",
            kind="welcome",
            status=Status.SENDING,
            claimed_at=timezone.now(),
        )
        retries = []

        def retry(**options):
            retries.append(options)
            return Retry()

        monkeypatch.setattr(academy_tasks.send_welcome_email, "retry", retry)
        with pytest.raises(Retry):
            academy_tasks.send_welcome_email(user.pk)
        assert 290 < retries[0]["countdown"] <= 301
        assert isinstance(retries[0]["exc"], academy_mail.SendInProgress)

    def test_a_failed_mail_no_longer_due_is_dropped(self, settings, refusing):
        event = make_event(make_index(make_home_page()), capacity=1)
        first, second = UserFactory(), UserFactory()
        event_services.register(first, event)
        waiting = event_services.register(second, event)[0]
        refusing(1)
        with pytest.raises(SMTPDataError):
            event_tasks.send_notification(waiting.pk, Notification.Kind.WAITLISTED)
        event_services.cancel(Registration.objects.get(user=first))  # promotes `second`
        assert event_tasks.send_notification(waiting.pk, Notification.Kind.WAITLISTED) is False
        assert OutgoingMail.objects.get().status == Status.DROPPED
        assert mail.outbox == []

    def test_an_invitation_renewed_is_sent_again_and_each_invite_once(self):
        admin = admin_of()
        invited = team.invite(admin, "again@example.com")
        growth_tasks.send_invitation(invited.pk)
        growth_tasks.send_invitation(invited.pk)
        with time_machine.travel(timezone.now() + timedelta(days=1)):
            assert team.invite(admin, "again@example.com").pk == invited.pk
        growth_tasks.send_invitation(invited.pk)
        growth_tasks.send_invitation(invited.pk)
        assert recipients() == ["again@example.com"] * 2
        team.revoke_invitation(admin, invited.pk)
        with time_machine.travel(timezone.now() + timedelta(days=2)):
            assert team.invite(admin, "again@example.com").pk != invited.pk
        assert growth_tasks.send_invitation(invited.pk) is False
        assert recipients() == ["again@example.com"] * 2

    def test_the_daily_purge_forgets_keys_sent_long_ago_and_keeps_the_rest(self, settings):
        settings.OUTBOX_KEEP_DAYS = 14
        now = timezone.now()
        for key, status, sent_at in (
            ("old", Status.SENT, now - timedelta(days=20)),
            ("recent", Status.SENT, now - timedelta(days=1)),
            ("failed", Status.FAILED, None),
        ):
            OutgoingMail.objects.create(
                key=key, kind="welcome", status=status, sent_at=sent_at, created_at=now
            )
        academy_tasks.purge_outbox()
        assert set(OutgoingMail.objects.values_list("key", flat=True)) == {"recent", "failed"}


def academy_mail_send_welcome(user) -> bool:
    from academy import services

    return services.send_welcome_email(user.pk)


def listing(response) -> str:
    html = response.content.decode().split('<table class="listing', 1)[1]
    return html.split("<tbody", 1)[1].split("</tbody>", 1)[0]


@pytest.mark.django_db
def test_staff_see_the_mails_read_only_filtered_by_kind_and_status(client):
    OutgoingMail.objects.create(key="welcome:user:1", kind="welcome", status=Status.SENT)
    failed = OutgoingMail.objects.create(
        key="invitation:7:1790000000",
        kind="invitation",
        status=Status.FAILED,
        last_error="SMTPServerDisconnected: timed out",
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rows = listing(client.get("/admin/outgoing_mail/?status=failed"))
    assert "invitation:7:1790000000" in rows and "welcome:user:1" not in rows
    assert "timed out" in rows
    rows = listing(client.get("/admin/outgoing_mail/?kind=welcome"))
    assert "welcome:user:1" in rows and "invitation:7" not in rows
    assert client.get(f"/admin/outgoing_mail/inspect/{failed.pk}/").status_code == 200
    # Rows change only through academy.mail: no add, edit or delete, superusers included.
    assert client.get("/admin/outgoing_mail/new/").status_code in (302, 403)
    assert client.get(f"/admin/outgoing_mail/edit/{failed.pk}/").status_code in (302, 403)
    assert client.get(f"/admin/outgoing_mail/delete/{failed.pk}/").status_code in (302, 403)


@pytest.mark.django_db
def test_members_do_not_see_the_mails(client):
    client.force_login(UserFactory())
    assert client.get("/admin/outgoing_mail/").status_code == 302


# --- No row lock while the mail server talks (PostgreSQL) ---------------------------------------


class LockProbingBackend(EmailBackend):
    """A mail server that, while it is being talked to, has a second connection take the mail's
    domain row with FOR UPDATE NOWAIT: that fails at once if the sender still holds its lock."""

    row = None
    outcomes: list = []

    def send_messages(self, messages):
        row = LockProbingBackend.row

        def probe():
            try:
                with transaction.atomic():
                    type(row).objects.select_for_update(nowait=True).get(pk=row.pk)
                LockProbingBackend.outcomes.append("free")
            except Exception as error:  # the assertion shows it
                LockProbingBackend.outcomes.append(repr(error))
            finally:
                connections.close_all()

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join(timeout=10)
        return super().send_messages(messages)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("signing_keys")
@pytest.mark.parametrize("kind", KINDS)
def test_no_row_lock_is_held_while_the_mail_is_sent(kind, settings):
    if connection.vendor != "postgresql":
        pytest.skip("a second connection needs PostgreSQL (make test-services)")
    sent = KINDS[kind]()
    settings.EMAIL_BACKEND = f"{__name__}.LockProbingBackend"
    LockProbingBackend.row, LockProbingBackend.outcomes = sent.locked_row, []
    mail.outbox.clear()
    sent.task.delay(*sent.args).get()
    assert LockProbingBackend.outcomes == ["free"]
    assert recipients() == [sent.to] and sent.marked()
