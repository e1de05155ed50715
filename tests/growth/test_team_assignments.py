"""Learning assignments: assigning from the team page, what the member sees on My academy, the
states (done / in progress / overdue / not started), reminders sent once each, the CSV."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from academy.models import Membership, OutgoingMail
from courses.models import LearningPath, LearningPathCourse
from courses.services import enrol, mark_lesson_complete
from growth.models import Assignment
from growth.services import GrowthError
from growth.services.assignments import assign, cancel_assignment, queue_reminders
from tests.courses.content import make_catalogue, make_course, make_lesson
from tests.factories import MembershipFactory, UserFactory
from tests.growth.factories import admin_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def team(home_page):
    admin = admin_of()
    member = MembershipFactory(provider=admin.provider, user__display_name="钱瑜")
    course = make_course(make_catalogue(home_page), "会员营销实战")
    lessons = [make_lesson(course), make_lesson(course)]
    return admin, member, course, lessons


def _at(day, hour=9):
    """A moment on `day` in the site's time zone (time_machine moves the clock there)."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_admin_assigns_and_member_sees_it_on_my_academy(client, team):
    admin, member, course, lessons = team
    due = timezone.localdate() + timedelta(days=10)
    client.force_login(admin.user)
    response = client.post(
        "/en/my-academy/team/assignments/",
        {"subject": f"course:{course.pk}", "member": str(member.pk), "due_on": due.isoformat()},
    )
    assert response.status_code == 302 and response.url.endswith("#assignments")
    assignment = Assignment.objects.get()
    assert assignment.user == member.user and assignment.due_on == due

    client.force_login(member.user)
    page = client.get("/en/my-academy/")
    body = page.content.decode()
    assert "Assigned to you" in body and "会员营销实战" in body
    assert due.isoformat() in body and "not started" in body

    enrol(member.user, course)
    mark_lesson_complete(member.user, lessons[0])
    body = client.get("/en/my-academy/").content.decode()
    assert "in progress" in body and "1/2 lessons" in body

    # The team page shows the same standing.
    client.force_login(admin.user)
    body = client.get("/en/my-academy/team/").content.decode()
    assert "in progress" in body and "0 of 1 done" in body


def test_overdue_shows_on_team_and_my_academy(client, team):
    admin, member, course, _ = team
    assign(admin, f"course:{course.pk}", member.pk, timezone.localdate() + timedelta(days=1))
    with time_machine.travel(_at(timezone.localdate() + timedelta(days=3)), tick=False):
        client.force_login(member.user)
        body = client.get("/en/my-academy/").content.decode()
        assert "overdue" in body
        client.force_login(admin.user)
        response = client.get("/en/my-academy/team/")
        assert [s.membership for s in response.context["overdue"]] == [member]
        assert 'id="overdue-title"' in response.content.decode()


def test_whole_team_covers_people_who_join_later_with_a_grace_period(client, team):
    admin, member, course, lessons = team
    today = timezone.localdate()
    assign(admin, f"course:{course.pk}", None, today + timedelta(days=2))
    with time_machine.travel(_at(today + timedelta(days=5)), tick=False):
        newcomer = MembershipFactory(provider=admin.provider)
        client.force_login(newcomer.user)
        context = client.get("/en/my-academy/").context
        standing = context["sections"]["assignments"].context["assignments"][0]
        # Joined after the due date: 14 days from joining, not overdue on the first day.
        assert standing.due == today + timedelta(days=5 + 14)
        assert standing.state == "not_started"
        client.force_login(member.user)
        context = client.get("/en/my-academy/").context
        assert context["sections"]["assignments"].context["assignments"][0].state == "overdue"


def test_path_assignment_is_done_when_every_course_is_completed(client, team, home_page):
    admin, member, course, lessons = team
    second = make_course(make_catalogue(home_page), "交付标准化")
    second_lesson = make_lesson(second)
    path = LearningPath.objects.create(title="运营提效", slug="ops", growth_stage="operations")
    LearningPathCourse.objects.create(path=path, course=course, sort_order=0)
    LearningPathCourse.objects.create(path=path, course=second, sort_order=1)
    assign(admin, f"path:{path.pk}", member.pk, timezone.localdate() + timedelta(days=7))
    for c, ls in ((course, lessons), (second, [second_lesson])):
        enrol(member.user, c)
        for lesson in ls:
            mark_lesson_complete(member.user, lesson)
    client.force_login(member.user)
    standing = (
        client.get("/en/my-academy/").context["sections"]["assignments"].context["assignments"][0]
    )
    assert standing.state == "done" and standing.percent == 100


def test_assignment_rules_refuse_past_dates_strangers_and_other_companies(client, team):
    admin, member, course, _ = team
    with pytest.raises(GrowthError, match="past"):
        assign(admin, f"course:{course.pk}", member.pk, timezone.localdate() - timedelta(days=1))
    stranger = MembershipFactory()
    with pytest.raises(GrowthError) as refused:
        assign(admin, f"course:{course.pk}", stranger.pk, timezone.localdate())
    assert refused.value.status == 404
    with pytest.raises(GrowthError):
        assign(admin, "course:999999", member.pk, timezone.localdate())
    # Assigning again moves the date instead of doubling the assignment.
    first = assign(admin, f"course:{course.pk}", member.pk, timezone.localdate())
    again = assign(admin, f"course:{course.pk}", member.pk, timezone.localdate() + timedelta(3))
    assert first.pk == again.pk and Assignment.objects.count() == 1
    # Another company's admin cannot cancel it: 404.
    other_admin = admin_of()
    with pytest.raises(GrowthError) as refused:
        cancel_assignment(other_admin, first.pk)
    assert refused.value.status == 404
    client.force_login(other_admin.user)
    assert client.post(f"/en/my-academy/team/assignments/{first.pk}/cancel/").status_code == 404
    client.force_login(admin.user)
    response = client.post(f"/en/my-academy/team/assignments/{first.pk}/cancel/")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.cancelled_at is not None
    # A bad form answers 400 with the page, not a 500.
    response = client.post("/en/my-academy/team/assignments/", {"subject": "x", "due_on": "no"})
    assert response.status_code == 400


def test_reminders_go_once_before_and_once_on_the_due_date(
    team, django_capture_on_commit_callbacks
):
    admin, member, course, lessons = team
    done_member = MembershipFactory(provider=admin.provider)
    today = timezone.localdate()
    due = today + timedelta(days=6)
    assignment = assign(admin, f"course:{course.pk}", None, due)
    enrol(done_member.user, course)
    for lesson in lessons:
        mark_lesson_complete(done_member.user, lesson)

    def run_on(day):
        with (
            time_machine.travel(_at(day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            queue_reminders()

    run_on(today)  # six days before: nothing yet
    assert mail.outbox == []
    run_on(due - timedelta(days=3))
    recipients = sorted(m.to[0] for m in mail.outbox)
    # The admin and the member; the one who finished gets nothing.
    assert recipients == sorted([admin.user.email, member.user.email])
    assert all("截止" in m.subject for m in mail.outbox)  # "Due on <date>" (zh-hans)
    run_on(due - timedelta(days=3))  # the job run twice on a day
    run_on(due - timedelta(days=1))  # and on the next days
    assert len(mail.outbox) == 2
    run_on(due)
    assert len(mail.outbox) == 4
    assert "今天截止" in mail.outbox[-1].subject  # "Due today"
    assert "2 个课时中的 0 个" in mail.outbox[-1].body  # "0 of 2 lessons"
    run_on(due)
    run_on(due + timedelta(days=1))
    run_on(due + timedelta(days=10))
    assert len(mail.outbox) == 4
    keys = set(OutgoingMail.objects.values_list("key", flat=True))
    assert f"assignment:{assignment.pk}:{member.user_id}:due-soon" in keys
    assert f"assignment:{assignment.pk}:{member.user_id}:due" in keys


def test_no_reminder_after_cancelling_or_leaving(team, django_capture_on_commit_callbacks):
    admin, member, course, _ = team
    due = timezone.localdate() + timedelta(days=2)
    cancelled = assign(admin, f"course:{course.pk}", admin.pk, due)
    cancel_assignment(admin, cancelled.pk)
    assign(admin, f"course:{course.pk}", member.pk, due)
    Membership.objects.filter(pk=member.pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        queue_reminders()
    assert mail.outbox == []


def test_csv_has_the_assignment_status(client, team):
    admin, member, course, lessons = team
    assign(admin, f"course:{course.pk}", member.pk, timezone.localdate() + timedelta(days=4))
    enrol(member.user, course)
    mark_lesson_complete(member.user, lessons[0])
    client.force_login(admin.user)
    response = client.get("/en/my-academy/team/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    column = header.index("Assignments")
    by_email = {r[1]: r for r in rows[1:]}
    cell = by_email[member.user.email][column]
    assert "会员营销实战" in cell and "in progress" in cell and "1/2" in cell
    assert by_email[admin.user.email][column] == ""


def test_member_without_assignments_sees_no_section(client):
    member = MembershipFactory(user=UserFactory())
    client.force_login(member.user)
    assert "assignments" not in client.get("/en/my-academy/").context["sections"]


def test_my_academy_assignments_query_count_does_not_grow(client, home_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = admin_of()
    member = MembershipFactory(provider=admin.provider)
    catalogue = make_catalogue(home_page)
    due = timezone.localdate() + timedelta(days=3)
    path = LearningPath.objects.create(title="路径", slug="p", growth_stage="create")

    def add_courses(start, stop):
        for n in range(start, stop):
            course = make_course(catalogue, f"课程{n}")
            lesson = make_lesson(course)
            make_lesson(course)
            enrol(member.user, course)
            mark_lesson_complete(member.user, lesson)
            assign(admin, f"course:{course.pk}", member.pk if n % 2 else None, due)
            LearningPathCourse.objects.create(path=path, course=course, sort_order=n)

    def my_academy_queries():
        client.get("/en/my-academy/")  # warm the per-process caches (site root paths)
        # …and the shared fragments (academy/fragments.py): the first page ever shown creates the
        # site's settings row, a write that makes the fragments it rendered stale.
        client.get("/en/my-academy/")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/en/my-academy/")
        return response, len(captured.captured_queries)

    add_courses(0, 1)
    assign(admin, f"path:{path.pk}", None, due)
    client.force_login(member.user)
    _, few = my_academy_queries()
    add_courses(1, 7)
    response, many = my_academy_queries()
    # 2 or 8 assignments (one a path of 7 courses): the same queries (membership, assignments,
    # path courses, enrolments, lessons, lessons done), nothing per assignment or course.
    assert many == few
    standings = response.context["sections"]["assignments"].context["assignments"]
    assert len(standings) == 8
    on_path = next(s for s in standings if s.assignment.path_id)
    assert (on_path.lessons_done, on_path.lessons_total) == (7, 14)
