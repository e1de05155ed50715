"""Sign-up, waitlist, cancellation, offers and staff changes, through events.services."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from events import services
from events.models import Audience, EventPage, Notification, Registration
from tests.factories import LecturerProfileFactory, MembershipFactory, UserFactory

Status = Registration.Status


def statuses(event):
    return list(
        Registration.objects.filter(event=event).order_by("pk").values_list("status", flat=True)
    )


def test_confirmed_while_seats_remain_then_waitlisted_in_order(event_factory, people):
    event = event_factory(capacity=2)
    users = people(5)
    registrations = [services.register(user, event)[0] for user in users]
    assert [r.status for r in registrations] == [Status.CONFIRMED] * 2 + [Status.WAITLISTED] * 3
    assert [services.waitlist_position(r) for r in registrations] == [None, None, 1, 2, 3]
    assert services.seats_held(event) == 2


def test_signing_up_twice_returns_the_existing_registration(event, user):
    first, created = services.register(user, event)
    again, created_again = services.register(user, event)
    assert created and not created_again
    assert again.pk == first.pk
    assert Registration.objects.filter(event=event, user=user).count() == 1


def test_registration_has_a_random_check_in_code(event, people):
    codes = {services.register(user, event)[0].code for user in people(5)}
    assert len(codes) == 5
    assert all(len(code) == 8 for code in codes)


def test_answers_are_kept_only_for_questions_the_event_asks(event_factory, user):
    event = event_factory(ask_company=True, ask_role=False)
    answers = services.Answers(company=" 杭州云栈 ", job_role="CTO", note="素食")
    registration, _ = services.register(user, event, answers=answers, language="en")
    assert (registration.company, registration.job_role, registration.note) == ("杭州云栈", "", "")
    assert registration.language == "en"


def test_cancel_promotes_first_waitlisted_in_the_same_transaction(event_factory, people):
    event = event_factory(capacity=1)
    seat_holder, first, second = people(3)
    held = services.register(seat_holder, event)[0]
    waiting_first = services.register(first, event)[0]
    waiting_second = services.register(second, event)[0]

    services.cancel(held)

    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert waiting_first.status == Status.CONFIRMED and waiting_first.confirmed_at
    assert waiting_second.status == Status.WAITLISTED
    assert services.waitlist_position(waiting_second) == 1
    assert services.seats_held(event) == 1


def test_cancelling_a_waitlisted_place_promotes_nobody(event_factory, people):
    event = event_factory(capacity=1)
    holder, waiting, later = people(3)
    services.register(holder, event)
    leaving = services.register(waiting, event)[0]
    staying = services.register(later, event)[0]
    services.cancel(leaving)
    staying.refresh_from_db()
    assert staying.status == Status.WAITLISTED
    assert services.waitlist_position(staying) == 1


def test_cancel_twice_is_harmless_and_sign_up_again_makes_a_new_registration(event, user):
    registration = services.register(user, event)[0]
    services.cancel(registration)
    assert services.cancel(registration).status == Status.CANCELLED
    again, created = services.register(user, event)
    assert created and again.pk != registration.pk and again.code != registration.code
    assert again.status == Status.CONFIRMED


def test_cancellation_closes_at_the_start(event_factory, user):
    event = event_factory(start=timezone.now() + timedelta(hours=1))
    registration = services.register(user, event)[0]
    with (
        time_machine.travel(event.start + timedelta(minutes=1)),
        pytest.raises(services.NotCancellable),
    ):
        services.cancel(registration)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_newcomer_never_jumps_the_waitlist(event_factory, people):
    """Free seats with people waiting (capacity raised, not yet promoted) go to those waiting."""
    event = event_factory(capacity=1)
    holder, waiting, newcomer = people(3)
    services.register(holder, event)
    queued = services.register(waiting, event)[0]
    EventPage.objects.filter(pk=event.pk).update(capacity=2)  # as if published a moment ago
    event.refresh_from_db()
    late = services.register(newcomer, event)[0]
    queued.refresh_from_db()
    assert queued.status == Status.CONFIRMED
    assert late.status == Status.WAITLISTED


def test_raising_the_capacity_promotes_from_the_waitlist(event_factory, people, committed, outbox):
    event = event_factory(capacity=1)
    users = people(4)
    committed(lambda: [services.register(user, event, language="en") for user in users])
    outbox.clear()

    event.capacity = 3
    committed(lambda: event.save_revision().publish())

    assert statuses(event) == [Status.CONFIRMED] * 3 + [Status.WAITLISTED]
    assert sorted(m.to[0] for m in outbox) == sorted([users[1].email, users[2].email])
    assert all("you're in" in m.subject for m in outbox)


# --- Claim window -------------------------------------------------------------------------------


def test_with_a_claim_window_the_seat_is_offered_and_held(event_factory, people, committed, outbox):
    event = event_factory(
        capacity=1, claim_window_hours=24, start=timezone.now() + timedelta(days=5)
    )
    holder, first, second = people(3)
    held = services.register(holder, event)[0]
    offered = services.register(first, event)[0]
    services.register(second, event)
    outbox.clear()

    committed(services.cancel, held)

    offered.refresh_from_db()
    assert offered.status == Status.OFFERED
    assert offered.offer_expires_at == offered.offered_at + timedelta(hours=24)
    assert services.seats_held(event) == 1  # the offer holds the seat
    assert [m.to[0] for m in outbox] == [first.email]

    claimed = committed(services.claim_offer, offered)
    assert claimed.status == Status.CONFIRMED


def test_an_unclaimed_offer_passes_to_the_next_person_when_the_window_ends(
    event_factory, people, committed, outbox
):
    from events import tasks

    event = event_factory(
        capacity=1, claim_window_hours=24, start=timezone.now() + timedelta(days=5)
    )
    holder, first, second = people(3)
    held = services.register(holder, event)[0]
    offered = services.register(first, event)[0]
    nxt = services.register(second, event)[0]
    committed(services.cancel, held)

    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        assert committed(tasks.expire_lapsed_offers.delay).get() == 0
    offered.refresh_from_db()
    assert offered.status == Status.OFFERED

    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        outbox.clear()
        assert committed(tasks.expire_lapsed_offers.delay).get() == 1
        offered.refresh_from_db()
        nxt.refresh_from_db()
        assert offered.status == Status.EXPIRED
        assert nxt.status == Status.OFFERED
        assert {m.to[0] for m in outbox} == {first.email, second.email}
        with pytest.raises(services.OfferNotOpen):
            services.claim_offer(offered)


def test_claiming_after_the_window_passes_the_seat_on_even_before_the_job(event_factory, people):
    event = event_factory(
        capacity=1, claim_window_hours=2, start=timezone.now() + timedelta(days=5)
    )
    holder, first, second = people(3)
    held = services.register(holder, event)[0]
    offered = services.register(first, event)[0]
    nxt = services.register(second, event)[0]
    services.cancel(held)
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        with pytest.raises(services.OfferNotOpen) as refused:
            services.claim_offer(offered)
        assert refused.value.registration.status == Status.EXPIRED
    nxt.refresh_from_db()
    assert nxt.status == Status.OFFERED


def test_the_place_counted_at_sign_up_is_the_waitlist_position(event_factory, people):
    event = event_factory(
        capacity=1, claim_window_hours=2, start=timezone.now() + timedelta(days=5)
    )
    holder, first, second, third, late = people(5)
    held = services.register(holder, event)[0]
    assert held.place_at_sign_up is None
    waiting = [services.register(user, event)[0] for user in (first, second, third)]
    assert [r.place_at_sign_up for r in waiting] == [1, 2, 3]
    assert [services.waitlist_position(r) for r in waiting] == [1, 2, 3]
    services.cancel(held)  # first is offered the seat; second and third wait
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        # first's offer lapsed: this sign-up passes the seat to second, then queues behind third.
        newcomer = services.register(late, event)[0]
    assert newcomer.status == Status.WAITLISTED
    assert newcomer.place_at_sign_up == services.waitlist_position(newcomer) == 2


def test_the_offer_never_outlasts_the_start(event_factory, people):
    event = event_factory(
        capacity=1, claim_window_hours=48, start=timezone.now() + timedelta(hours=5)
    )
    holder, first = people(2)
    held = services.register(holder, event)[0]
    offered = services.register(first, event)[0]
    services.cancel(held)
    offered.refresh_from_db()
    assert offered.offer_expires_at == event.start


# --- Who may sign up, and when ------------------------------------------------------------------


def test_members_only_event_refuses_people_without_a_company(event_factory, user):
    event = event_factory(audience=Audience.MEMBERS)
    with pytest.raises(services.NotInAudience):
        services.register(user, event)
    member = MembershipFactory().user
    assert services.register(member, event)[0].status == Status.CONFIRMED


def test_lecturers_only_event_refuses_members(event_factory):
    event = event_factory(audience=Audience.LECTURERS)
    with pytest.raises(services.NotInAudience) as refused:
        services.register(MembershipFactory().user, event)
    assert refused.value.status == 403
    lecturer = LecturerProfileFactory().user
    assert services.register(lecturer, event)[0].status == Status.CONFIRMED


def test_sign_up_window(event_factory, user):
    now = timezone.now()
    event = event_factory(
        signup_opens=now + timedelta(days=1),
        signup_closes=now + timedelta(days=2),
        start=now + timedelta(days=3),
    )
    with pytest.raises(services.SignupNotOpen):
        services.register(user, event)
    with time_machine.travel(now + timedelta(days=1, hours=1)):
        assert services.register(user, event)[1]
    with (
        time_machine.travel(now + timedelta(days=2, minutes=1)),
        pytest.raises(services.SignupClosed),
    ):
        services.register(UserFactory(), event)


def test_sign_up_closes_at_the_start_by_default(event_factory, user):
    event = event_factory(start=timezone.now() + timedelta(minutes=30))
    with time_machine.travel(event.start), pytest.raises(services.SignupClosed):
        services.register(user, event)


def test_unpublished_event_refuses_sign_up(index, user):
    from tests.events.factories import make_event

    draft = make_event(index, publish=False)
    with pytest.raises(services.SignupClosed):
        services.register(user, draft)


# --- Staff cancelling the whole event -----------------------------------------------------------


def test_cancelling_the_event_cancels_and_notifies_everyone(
    event_factory, people, staff, committed, outbox
):
    event = event_factory(capacity=2)
    users = people(3)
    committed(lambda: [services.register(user, event) for user in users])
    outbox.clear()

    count = committed(services.cancel_event, event, by=staff, reason="场地临时维修，改期另行通知。")

    assert count == 3
    assert statuses(event) == [Status.CANCELLED] * 3
    assert sorted(m.to[0] for m in outbox) == sorted(u.email for u in users)
    assert all("场地临时维修" in m.body for m in outbox)
    event.refresh_from_db()
    assert event.is_cancelled
    with pytest.raises(services.EventCancelled):
        services.register(UserFactory(), event)
    assert services.cancel_event(event, by=staff) == 0  # twice is harmless


def test_publishing_an_old_draft_does_not_uncancel_the_event(event, staff, user):
    draft = event.save_revision()  # made before the cancellation
    services.cancel_event(event, by=staff, reason="")
    draft.publish()
    event.refresh_from_db()
    assert event.is_cancelled


def test_changed_time_or_place_is_announced_once_per_change(
    event_factory, people, committed, outbox
):
    event = event_factory(capacity=5)
    users = people(2)
    committed(lambda: [services.register(user, event) for user in users])
    outbox.clear()

    event.title = "新标题不算改期"
    committed(lambda: event.save_revision().publish())
    assert outbox == []

    event.venue = "平台上海创新中心 5 楼"
    committed(lambda: event.save_revision().publish())
    committed(lambda: event.save_revision().publish())  # published again, same details
    assert sorted(m.to[0] for m in outbox) == sorted(u.email for u in users)
    assert all("5 楼" in m.body for m in outbox)
    assert Notification.objects.filter(kind=Notification.Kind.CHANGED).count() == 2
