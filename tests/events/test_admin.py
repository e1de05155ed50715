"""Staff in the Wagtail admin: registrations with filters and CSV, attendance, duplicate, cancel."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from academy import roles
from events import services
from events.models import EventPage, Registration
from events.wagtail_hooks import RegistrationViewSet
from tests.factories import LecturerProfileFactory, UserFactory


def test_event_staff_see_registrations_and_filter_them(staff_client, event_factory, people):
    shanghai = event_factory(title="上海工作坊", capacity=1)
    beijing = event_factory(title="北京工作坊", city="北京")
    first, second = people(2)
    services.register(first, shanghai)
    services.register(second, shanghai)
    services.register(first, beijing)

    response = staff_client.get("/admin/event_registrations/")
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 3
    waiting = staff_client.get("/admin/event_registrations/", {"status": "waitlisted"})
    assert [r.user for r in waiting.context["object_list"]] == [second]
    in_beijing = staff_client.get("/admin/event_registrations/", {"event__city": "北京"})
    assert [r.event_id for r in in_beijing.context["object_list"]] == [beijing.pk]
    found = staff_client.get("/admin/event_registrations/", {"q": second.email})
    assert [r.user for r in found.context["object_list"]] == [second]


def test_csv_export_has_attendance(staff_client, staff, event_factory, people):
    event = event_factory(title="上海工作坊", start=timezone.now() + timedelta(hours=1))
    came, missed = people(2)
    seats = [services.register(user, event)[0] for user in (came, missed)]
    with time_machine.travel(event.start + timedelta(minutes=5)):
        services.check_in(event, seats[0].code, by=staff)
    with time_machine.travel(event.end + timedelta(hours=1)):
        services.record_attendance(event, {}, by=staff, close=True)
    response = staff_client.get("/admin/event_registrations/", {"event": event.pk, "export": "csv"})
    assert response.status_code == 200
    # UTF-8 with a byte-order mark, so that Excel reads the Chinese (academy.exports).
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    # Columns in the viewset's order; headings and labels are in the admin's language.
    columns = RegistrationViewSet.list_export
    assert len(header) == len(columns)
    email, attendance, checked_in = (
        columns.index(name) for name in ("user.email", "get_attendance_display", "checked_in_at")
    )
    labels = {str(label): value for value, label in Registration.Attendance.choices}
    assert {(row[email], labels[row[attendance]]) for row in rows} == {
        (came.email, "attended"),
        (missed.email, "no_show"),
    }
    assert {row[columns.index("event.title")] for row in rows} == {"上海工作坊"}
    checked = next(row for row in rows if row[email] == came.email)
    assert checked[checked_in] and "+00:00" not in checked[checked_in]


def test_registrations_cannot_be_added_or_edited_in_the_admin(client, event, user):
    registration = services.register(user, event)[0]
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/admin/event_registrations/").status_code == 200
    assert client.get(f"/admin/event_registrations/inspect/{registration.pk}/").status_code == 200
    assert client.get("/admin/event_registrations/new/").status_code == 302
    assert client.get(f"/admin/event_registrations/edit/{registration.pk}/").status_code == 302
    # Nor can attendance be set here, around the check-in window and the audit trail.
    edit = client.post(
        f"/admin/event_registrations/edit/{registration.pk}/", {"attendance": "attended"}
    )
    assert edit.status_code == 302
    assert client.post(f"/admin/event_registrations/delete/{registration.pk}/").status_code == 302
    registration.refresh_from_db()
    assert registration.attendance == "" and not registration.attendance_changes.exists()


def test_other_staff_and_members_see_no_registrations(client, db):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.ACADEMY_EDITORS))
    client.force_login(editor)
    assert client.get("/admin/event_registrations/").status_code == 302
    assert client.get("/admin/events/check-in/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/admin/event_registrations/").status_code == 302


def test_attendance_page_saves_statuses(staff_client, event_factory, people):
    event = event_factory(start=timezone.now() + timedelta(hours=1))
    seats = [services.register(user, event)[0] for user in people(2)]
    url = f"/admin/events/{event.pk}/attendance/"
    assert staff_client.get(url).status_code == 200
    too_early = staff_client.post(url, {f"r{seats[0].pk}": "attended"})
    assert too_early.status_code == 409
    with time_machine.travel(event.end + timedelta(hours=1)):
        response = staff_client.post(url, {f"r{seats[0].pk}": "partial", "close": "1"})
        assert response.status_code == 302
        assert staff_client.post(url, {f"r{seats[0].pk}": "maybe"}).status_code == 400
    assert [s.attendance for s in Registration.objects.order_by("pk")] == ["partial", "no_show"]


def test_cancel_event_from_the_admin(staff_client, event, user, committed, outbox):
    services.register(user, event)
    url = f"/admin/events/{event.pk}/cancel/"
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, {"reason": "讲师生病"}).status_code == 400  # not confirmed
    response = committed(staff_client.post, url, {"reason": "讲师生病", "confirm": "on"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.is_cancelled and event.cancellation_reason == "讲师生病"
    assert [m.to[0] for m in outbox] == [user.email]


def test_duplicate_event_into_other_cities(staff_client, event_factory):
    lecturer = LecturerProfileFactory()
    event = event_factory(
        title="小程序支付接入实战工作坊 · 上海",
        city="上海",
        lecturers=[lecturer],
        signup_closes=timezone.now() + timedelta(days=9),
    )
    services.register(UserFactory(), event)
    url = f"/admin/events/{event.pk}/duplicate/"
    assert staff_client.get(url).status_code == 200
    data = {
        "runs-TOTAL_FORMS": "3",
        "runs-INITIAL_FORMS": "0",
        "runs-MIN_NUM_FORMS": "1",
        "runs-MAX_NUM_FORMS": "12",
        "runs-0-city": "北京",
        "runs-0-venue": "中关村创业大街",
        "runs-0-start": "2027-03-06T14:00",
        "runs-0-end": "2027-03-06T17:30",
        "runs-1-city": "成都",
        "runs-1-venue": "天府软件园",
        "runs-1-start": "2027-03-13T14:00",
        "runs-1-end": "2027-03-13T17:30",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302
    copies = EventPage.objects.exclude(pk=event.pk).order_by("start")
    assert [c.title for c in copies] == [
        "小程序支付接入实战工作坊 · 北京",
        "小程序支付接入实战工作坊 · 成都",
    ]
    beijing = copies[0]
    assert not beijing.live
    assert timezone.localtime(beijing.start, beijing.tzinfo).strftime("%Y-%m-%d %H:%M") == (
        "2027-03-06 14:00"
    )
    assert beijing.signup_closes == event.signup_closes + (beijing.start - event.start)
    assert [link.lecturer for link in beijing.lecturer_links.all()] == [lecturer]
    assert beijing.registrations.count() == 0
    bad = dict(data, **{"runs-0-end": "2027-03-06T13:00"})
    assert staff_client.post(url, bad).status_code == 400


def test_page_buttons_for_event_staff(staff_client, event, index):
    response = staff_client.get(f"/admin/pages/{index.pk}/")
    html = response.content.decode()
    assert f"/admin/events/{event.pk}/attendance/" in html
    assert f"/admin/events/{event.pk}/duplicate/" in html


def test_event_editor_opens_and_times_are_typed_in_the_events_time_zone(client, index, event):
    from zoneinfo import ZoneInfo

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(f"/admin/pages/add/events/eventpage/{index.pk}/").status_code == 200
    assert client.get(f"/admin/pages/{event.pk}/edit/").status_code == 200

    form_class = EventPage.get_edit_handler().get_form_class()
    event.time_zone = "Asia/Tokyo"
    form = form_class(instance=event, for_user=UserFactory(is_superuser=True))
    tokyo_start = timezone.localtime(event.start, ZoneInfo("Asia/Tokyo")).replace(tzinfo=None)
    assert form.initial["start"] == tokyo_start

    data = {
        "title": event.title,
        "slug": event.slug,
        "summary": event.summary,
        "kind": event.kind,
        "audience": event.audience,
        "city": "东京",
        "venue": "Shibuya",
        "address": "",
        "time_zone": "Asia/Tokyo",
        "start": "2027-04-01 14:00",
        "end": "2027-04-01 17:00",
        "capacity": "20",
        "claim_window_hours": "0",
        "check_in_opens_before": "120",
        "check_in_closes_after": "0",
        "agenda-count": "0",
        "lecturer_links-TOTAL_FORMS": "0",
        "lecturer_links-INITIAL_FORMS": "0",
        "lecturer_links-MIN_NUM_FORMS": "0",
        "lecturer_links-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    form = form_class(data, instance=event, for_user=UserFactory(is_superuser=True))
    assert form.is_valid(), form.errors
    start = form.cleaned_data["start"]
    assert start.utcoffset().total_seconds() == 9 * 3600 and (start.hour, start.minute) == (14, 0)


def test_event_page_rules(index):
    from django.core.exceptions import ValidationError

    from tests.events.factories import make_event

    event = make_event(index)
    event.end = event.start
    event.slug = "archive"
    with pytest.raises(ValidationError) as problems:
        event.full_clean()
    assert {"end", "slug"} <= set(problems.value.message_dict)


def test_events_are_found_by_site_search(client, event_factory):
    event_factory(title="企业微信客户运营工作坊", summary="私域运营与会话存档实战。")
    assert (
        "企业微信客户运营工作坊" in client.get("/search/", {"query": "会话存档"}).content.decode()
    )
    # A Traditional query finds it too, and shows it in Traditional.
    assert (
        "企業微信客戶運營工作坊" in client.get("/search/", {"query": "會話存檔"}).content.decode()
    )
