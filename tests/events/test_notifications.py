"""E-mails: enqueued on commit, sent once, in the registrant's language, with the .ics attached."""

from datetime import timedelta

import icalendar
import time_machine
from django.utils import timezone

from events import services, tasks
from events.models import Notification, Registration


def test_confirmation_is_sent_on_commit_with_the_calendar_file(event, user, committed, outbox):
    registration = committed(services.register, user, event, language="en")[0]
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [user.email]
    assert event.title in message.subject
    assert registration.display_code in message.body
    assert f"/events/registrations/{registration.pk}/" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@testserver"


def test_nothing_is_sent_when_the_transaction_rolls_back(event, user, outbox):
    services.register(user, event)  # the test's transaction never commits
    assert outbox == []


def test_waitlisted_mail_states_the_position(event_factory, people, committed, outbox):
    event = event_factory(capacity=1)
    first, second = people(2)
    committed(services.register, first, event, language="en")
    outbox.clear()
    committed(services.register, second, event, language="en")
    assert len(outbox) == 1
    assert "waitlist" in outbox[0].subject.lower()
    assert "number 1" in outbox[0].body
    assert outbox[0].attachments == []


def test_mail_is_written_in_the_language_of_the_sign_up(event, user, committed, outbox):
    committed(services.register, user, event, language="en")
    assert "You're in" in outbox[0].subject
    assert "/en/events/" in outbox[0].body


def test_a_notification_task_run_twice_sends_once(event, user, outbox):
    registration = services.register(user, event)[0]
    assert tasks.send_notification.delay(registration.pk, "confirmed").get() is True
    assert tasks.send_notification.delay(registration.pk, "confirmed").get() is False
    assert len(outbox) == 1
    assert Notification.objects.filter(registration=registration).count() == 1


def test_a_stale_notification_is_not_sent(event, user, outbox):
    registration = services.register(user, event)[0]
    services.cancel(registration)
    assert tasks.send_notification.delay(registration.pk, "confirmed").get() is False
    assert outbox == []


def _confirmed_days_before(event, user, days):
    registration = services.register(user, event)[0]
    Registration.objects.filter(pk=registration.pk).update(
        confirmed_at=event.start - timedelta(days=days)
    )
    return registration


def test_reminder_the_day_before_exactly_once_even_if_the_job_runs_twice(
    event_factory, people, committed, outbox
):
    start = timezone.now() + timedelta(days=3)
    event = event_factory(start=start, capacity=1)
    early, waiting = people(2)
    reminded = _confirmed_days_before(event, early, 5)
    services.register(waiting, event)  # waitlisted: no reminder
    outbox.clear()

    with time_machine.travel(start - timedelta(hours=30)):  # too early
        assert committed(tasks.send_due_reminders.delay).get() == 0
    with time_machine.travel(start - timedelta(hours=20)):
        assert committed(tasks.send_due_reminders.delay).get() == 1
        assert committed(tasks.send_due_reminders.delay).get() == 0
        # Two workers handed the same reminder still send it once.
        assert tasks.send_notification.delay(reminded.pk, "reminder").get() is False
    assert [m.to[0] for m in outbox] == [early.email]
    assert outbox[0].attachments


def test_no_reminder_for_people_who_signed_up_within_the_last_day(
    event_factory, user, committed, outbox
):
    start = timezone.now() + timedelta(hours=10)
    event = event_factory(start=start)
    committed(services.register, user, event)
    outbox.clear()
    assert committed(tasks.send_due_reminders.delay).get() == 0
    assert outbox == []


def test_no_reminder_after_cancelling_or_when_the_event_is_cancelled(
    event_factory, people, staff, committed, outbox
):
    start = timezone.now() + timedelta(days=3)
    event = event_factory(start=start)
    keeps, leaves = people(2)
    _confirmed_days_before(event, keeps, 5)
    services.cancel(_confirmed_days_before(event, leaves, 5))
    with time_machine.travel(start - timedelta(hours=20)):
        services.cancel_event(event, by=staff)
        outbox.clear()
        assert committed(tasks.send_due_reminders.delay).get() == 0
    assert outbox == []


def test_beat_schedule_holds_the_events_jobs():
    from academy.celery import app

    schedule = app.conf.beat_schedule
    assert schedule["events-send-reminders"]["task"] == "events.tasks.send_due_reminders"
    assert schedule["events-expire-offers"]["task"] == "events.tasks.expire_lapsed_offers"
