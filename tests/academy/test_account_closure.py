"""Closing an account (issue 20): asked with the password, confirmed from the e-mail, cancellable,
carried out after the cooling-off period: nothing personal left in any table, seats passed to the
waitlist, certificates revoked (the registry says so without the name), statistics unchanged."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from academy import closure
from academy.models import ClosureRequest, Membership
from certification.models import Certificate
from certification.services.exam_statistics import exam_statistics
from events.models import Registration
from tests.academy.people import EMAIL, NAME, OLD_EMAIL, rich_person, tables_mentioning
from tests.certification.factories_programmes import signing_key_dir, signing_keys  # noqa: F401
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
Status = ClosureRequest.Status


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the outbox's tasks (after commit, in-process) of what the call does."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def world(home_page, signing_keys, committed):  # noqa: F811
    return committed(lambda: rich_person(home_page))


def _reports(client) -> dict[str, str]:
    """The staff reports' CSV exports of learning and exams, as a superuser reads them."""
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    numbers = {
        name: b"".join(
            client.get(reverse(f"growth_reports:{name}") + "?export=csv").streaming_content
        ).decode()
        for name in ("learning", "exams")
    }
    assert "隐私合规入门" in numbers["learning"] and "认证笔试 · 隐私" in numbers["exams"]
    client.logout()
    return numbers


def _link(message) -> str:
    return re.search(r"http://testserver(/\S*/my-academy/close/\S+/)", message.body).group(1)


def test_request_cancel_request_and_let_it_run(client, world, committed):
    person = world.person
    # The search finds the person everywhere they are before the closure.
    before = " ".join(tables_mentioning(EMAIL, NAME))
    for table in ("academy.User.email", "events.Registration.note", "certification.Response"):
        assert table in before
    stats_before = exam_statistics(world.exam)
    reports_before = _reports(client)
    serial = world.certificate.serial
    assert world.certificate.pdf  # signed and stored

    client.force_login(person)
    page = client.get("/en/my-academy/close/").content.decode()
    assert f"/en/certificates/{serial}/download/" in page  # offered the PDF first

    assert client.post("/en/my-academy/close/", {"password": "wrong"}).status_code == 400
    mail.outbox.clear()
    response = committed(lambda: client.post("/en/my-academy/close/", {"password": PASSWORD}))
    assert response.status_code == 302
    first = ClosureRequest.objects.get(user=person)
    assert first.status == Status.AWAITING_EMAIL
    (message,) = [m for m in mail.outbox if m.to == [EMAIL]]
    assert f"/certificates/{serial}/download/" in message.body
    assert _link(message) == f"/en/my-academy/close/{first.token}/"

    # Cancel from My academy.
    client.post(reverse("close_account_cancel"))
    first.refresh_from_db()
    assert first.status == Status.CANCELLED

    # Ask again; confirm from the e-mail (no sign-in needed: the link is the proof).
    mail.outbox.clear()
    committed(lambda: client.post("/en/my-academy/close/", {"password": PASSWORD}))
    second = ClosureRequest.objects.get(user=person, status=Status.AWAITING_EMAIL)
    (message,) = [m for m in mail.outbox if m.to == [EMAIL]]
    client.logout()
    link = _link(message)
    assert "Confirm" in client.get(link).content.decode()
    client.post(link, {"action": "confirm"})
    second.refresh_from_db()
    assert second.status == Status.SCHEDULED
    assert second.close_after - second.confirmed_at == timedelta(days=7)

    assert closure.process_due().done == 0  # not before the cooling-off period ends
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        out = StringIO()
        committed(lambda: call_command("process_closures", stdout=out))
        assert "closed 1, failed 0" in out.getvalue()

    second.refresh_from_db()
    assert second.status == Status.CLOSED
    steps = {s["step"]: s["count"] for s in second.steps}
    assert steps["certificates: certificates revoked"] == 1
    assert steps["event_registrations: registrations cancelled, seats passed to the waitlist"] == 1
    assert steps["company: company membership removed"] == 1
    assert steps["profile: user row anonymised"] == 1

    # Nothing personal left, in any table.
    assert tables_mentioning(EMAIL, OLD_EMAIL, NAME, "ouyang", "明远") == []
    person.refresh_from_db()
    assert not person.is_active and not person.has_usable_password()
    assert not client.login(email=EMAIL, password=PASSWORD)
    assert not Membership.objects.filter(user=person).exists()

    # The seat went to the person waiting, with the usual e-mail.
    world.waiting.refresh_from_db()
    assert world.waiting.status == Registration.Status.CONFIRMED
    assert any(m.to == [world.other.email] for m in mail.outbox)

    # Revoked, and the registry answers without a name.
    certificate = Certificate.objects.get(serial=serial)
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_reason == "account closed"
    record = client.get(f"/verify/{serial}.json").json()
    assert record["status"] == "revoked" and record["holder"] == ""
    page = client.get(f"/en/verify/{serial}/").content.decode()
    assert "revoked" in page.lower() and NAME not in page

    # Statistics are the same numbers.
    assert exam_statistics(world.exam) == stats_before
    assert _reports(client) == reports_before

    # Idempotent: running again does nothing.
    assert closure.close_account(second.pk) is False
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        assert closure.process_due().done == 0


def test_the_last_administrator_of_a_team_is_refused_at_request_time(client, world):
    Membership.objects.filter(user=world.other).update(role=Membership.Role.MEMBER)
    Membership.objects.filter(user=world.person).update(role=Membership.Role.ADMIN)
    client.force_login(world.person)
    assert "You are the last administrator" in client.get("/en/my-academy/close/").content.decode()
    response = client.post("/en/my-academy/close/", {"password": PASSWORD})
    assert response.status_code == 409
    assert "Make another member its administrator" in response.content.decode()
    assert not ClosureRequest.objects.exists()


def test_someone_promoted_when_the_last_administrator_is_closed_after_others_joined(world):
    staff = UserFactory(is_staff=True)
    request = closure.request_on_behalf(world.person, by=staff)
    # During the cooling-off period the person became the only administrator.
    Membership.objects.filter(user=world.other).update(role=Membership.Role.MEMBER)
    Membership.objects.filter(user=world.person).update(role=Membership.Role.ADMIN)
    assert closure.close_now(request, by=staff) is True
    assert Membership.objects.get(user=world.other).role == Membership.Role.ADMIN


def test_staff_act_on_a_persons_behalf_and_the_log_names_them(world):
    staff = UserFactory(is_staff=True, email="officer.on.duty@example.com")
    request = closure.request_on_behalf(world.person, by=staff)
    assert request.status == Status.SCHEDULED and request.acting_staff == staff
    assert closure.close_now(request, by=staff) is True
    entries = ModelLogEntry.objects.filter(object_id=str(request.pk)).order_by("timestamp")
    assert [(e.action, e.user_id) for e in entries] == [
        ("academy.closure.requested_on_behalf", staff.pk),
        ("academy.closure.closed_on_behalf", staff.pk),
    ]
    assert all(NAME not in e.label and EMAIL not in e.label for e in entries)


def test_others_cannot_use_a_closure_link_once_the_account_is_closed(client, world):
    staff = UserFactory(is_staff=True)
    request = closure.request_on_behalf(world.person, by=staff)
    token = request.token
    closure.close_now(request, by=staff)
    assert client.get(f"/en/my-academy/close/{token}/").status_code == 404
    assert client.get("/en/my-academy/close/not-a-token/").status_code == 404


def test_staff_with_the_permission_close_an_account_from_the_admin(client, world):
    from django.contrib.auth.models import Permission

    officer = UserFactory(is_staff=True)
    officer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="process_closure"),
        Permission.objects.get(codename="view_closurerequest"),
    )
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))

    client.force_login(clerk)
    response = client.post("/admin/closures/on-behalf/", {"email": EMAIL, "now": "on"})
    assert response.status_code in (302, 403) and not ClosureRequest.objects.exists()

    client.force_login(officer)
    assert client.get("/admin/closures/on-behalf/").status_code == 200
    assert client.post("/admin/closures/on-behalf/", {"email": "nobody@x.org"}).status_code == 400
    response = client.post("/admin/closures/on-behalf/", {"email": EMAIL, "now": "on"})
    assert response.status_code == 302
    done = ClosureRequest.objects.get()
    assert done.status == Status.CLOSED and done.acting_staff == officer
    assert ModelLogEntry.objects.filter(
        object_id=str(done.pk), action="academy.closure.closed_on_behalf", user=officer
    ).exists()
    listing = client.get(reverse("closures:index")).content.decode()
    assert f"#{done.pk}" in listing and NAME not in listing
    assert (
        "user row anonymised"
        in client.get(reverse("closures:inspect", args=[done.pk])).content.decode()
    )
