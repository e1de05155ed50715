"""SMTP stalling (issue 13): a mail server that accepts the connection and never answers holds no
lock. While a real worker is stuck on it, sign-ups and a cancellation on the same event answer at
once; when the server answers again, every e-mail still due goes out exactly once.

Runs in `make test-services` (CELERY_BROKER_URL set, PostgreSQL database); skipped otherwise."""

import socket
import threading
import time

import pytest
from django.db import connections
from django.test import Client
from django.utils import translation

from academy.models import OutgoingMail
from events.models import Notification, Registration
from tests.conftest import needs_celery_worker
from tests.events.factories import make_event, make_index
from tests.factories import UserFactory

pytestmark = needs_celery_worker

EMAIL_TIMEOUT = 2  # seconds the worker waits on the silent server before giving up


class MailServer:
    """A local SMTP server that stalls (accepts, says nothing) until `answer()`, then speaks just
    enough SMTP to take messages; `delivered` counts them by recipient."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stalling = True
        self.accepted = 0
        self.held: list[socket.socket] = []
        self.delivered: dict[str, int] = {}
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed
            with self.lock:
                self.accepted += 1
                if self.stalling:
                    self.held.append(conn)
                    continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def answer(self):
        """The stall ends: drop the silent connections, answer new ones."""
        with self.lock:
            self.stalling = False
            held, self.held = self.held, []
        for conn in held:
            conn.close()

    def close(self):
        self.answer()
        self.listener.close()

    def _serve(self, conn):
        with conn, conn.makefile("rwb") as stream:

            def reply(line: str):
                stream.write(line.encode() + b"\r\n")
                stream.flush()

            reply("220 localhost ESMTP stand-in")
            recipients: list[str] = []
            while line := stream.readline():
                command = line.decode().strip().upper()
                if command.startswith("RCPT TO:"):
                    recipients.append(line.decode().strip()[8:].strip(" <>"))
                    reply("250 OK")
                elif command == "DATA":
                    reply("354 go ahead")
                    while stream.readline() not in (b".\r\n", b""):
                        pass
                    with self.lock:
                        for address in recipients:
                            self.delivered[address] = self.delivered.get(address, 0) + 1
                    recipients = []
                    reply("250 queued")
                elif command == "QUIT":
                    reply("221 bye")
                    return
                else:  # EHLO, HELO, MAIL FROM, RSET, NOOP
                    reply("250 localhost")


@pytest.fixture
def stalling_smtp(monkeypatch):
    """The worker's mail goes to a local server that stalls; set before the worker starts."""
    server = MailServer()
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{server.port}")
    monkeypatch.setenv("EMAIL_TIMEOUT", str(EMAIL_TIMEOUT))
    yield server
    server.close()


def wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"the worker did not {what} within {seconds} s"
        time.sleep(0.05)


def timed_post(user, path: str) -> tuple[int, float]:
    """POST as `user` from a client of its own; (status, seconds). Thread-safe."""
    client = Client()
    client.force_login(user)
    try:
        with translation.override("en"):
            started = time.monotonic()
            response = client.post(path)
            return response.status_code, time.monotonic() - started
    finally:
        connections.close_all()


def test_a_stalled_mail_server_blocks_no_sign_up_or_cancellation_and_mail_goes_once_after(
    home_page, stalling_smtp, celery_worker_process
):
    server = stalling_smtp
    event = make_event(make_index(home_page), capacity=1)
    register = f"/events/{event.slug}/register/"
    seated, waiting, late = (
        UserFactory(email=f"{name}@example.com") for name in ("seated", "waiting", "late")
    )
    seat = Registration.objects.create(
        event=event, user=seated, status=Registration.Status.CONFIRMED, code="S7000001"
    )
    warm = Client()  # the process's first page compiles templates: not what is measured
    assert warm.get(f"/en/events/{event.slug}/").status_code == 200

    # The event is full: `waiting` goes on the waitlist, and the worker's "you are on the
    # waitlist" mail hangs on the silent server. Their sign-up itself answers at once.
    status, seconds = timed_post(waiting, register)
    assert status == 302 and seconds < 1, seconds
    wait_for(lambda: server.accepted >= 1, "connect to the mail server")

    # While that mail hangs: the seat holder cancels (which confirms `waiting`, the very
    # registration whose mail is stuck), and a moment later someone else signs up. Were the
    # mail sent under the registration's lock, the cancellation would wait for it holding the
    # event's lock, and the sign-up behind both.
    timings = {}

    def act(name, user, path):
        timings[name] = timed_post(user, path)

    cancel = threading.Thread(
        target=act, args=("cancel", seated, f"/events/registrations/{seat.pk}/cancel/")
    )
    sign_up = threading.Thread(target=act, args=("sign-up", late, register))
    cancel.start()
    time.sleep(0.3)  # the cancellation goes first
    sign_up.start()
    for thread in (cancel, sign_up):
        thread.join(timeout=30)
    print("\nwhile the mail server stalls:", {k: f"{v[1]:.3f} s" for k, v in timings.items()})
    assert timings["cancel"][0] == 302 and timings["sign-up"][0] == 302
    assert all(seconds < EMAIL_TIMEOUT / 2 for _, seconds in timings.values()), timings
    assert server.delivered == {}

    # Let the stall last through a retry, then the server answers again.
    wait_for(lambda: server.accepted >= 2, "retry the stalled mail")
    server.answer()

    expected = {"waiting@example.com": 1, "late@example.com": 1}
    wait_for(lambda: server.delivered == expected, "deliver the mail due")
    stale = OutgoingMail.objects.get(kind="events:waitlisted", recipients="waiting@example.com")
    # The waitlist mail for `waiting` is no longer true (their seat is confirmed): its retry
    # drops it instead of sending it late.
    wait_for(
        lambda: OutgoingMail.objects.get(pk=stale.pk).status == OutgoingMail.Status.DROPPED,
        "drop the stale waitlist mail",
    )
    stale.refresh_from_db()
    assert stale.attempts >= 1 and "SMTPServerDisconnected" in stale.last_error
    sent = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT)
    assert sorted(sent.values_list("kind", "recipients")) == [
        ("events:promoted", "waiting@example.com"),
        ("events:waitlisted", "late@example.com"),
    ]
    assert sorted(Notification.objects.values_list("registration__user__email", "kind")) == [
        ("late@example.com", "waitlisted"),
        ("waiting@example.com", "promoted"),
    ]
    time.sleep(2)  # give a wrongly repeated mail the time to show up
    assert server.delivered == expected
