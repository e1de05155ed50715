"""Publishing courses and cases: an editor submits, a second editor approves."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Workflow, WorkflowState

from academy import roles
from courses.moderation import REVIEW_WORKFLOW_NAME, PeerReviewTask
from tests.factories import UserFactory

from .content import make_case, make_course


def editor():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.ACADEMY_EDITORS))
    return user


@pytest.fixture
def draft_course(catalogue):
    return make_course(catalogue, "待审核课程", live=False)


def submit(page, user, **changes):
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision(user=user)
    page.get_workflow().start(page, user)
    return WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk), status="in_progress"
    )


def assert_denied(response):
    """Wagtail's admin answers PermissionDenied with a redirect to the dashboard and a message."""
    assert (response.status_code, response.get("Location")) in {(403, None), (302, "/admin/")}


def approve_url(page, workflow_state):
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=(page.pk, "approve", workflow_state.current_task_state.pk),
    )


def test_catalogue_and_case_listing_are_under_the_review_workflow(catalogue, case_index):
    workflow = Workflow.objects.get(name=REVIEW_WORKFLOW_NAME)
    assert catalogue.get_workflow() == workflow and case_index.get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert isinstance(task, PeerReviewTask)
    assert list(task.groups.values_list("name", flat=True)) == [roles.ACADEMY_EDITORS]


def test_editors_submit_instead_of_publishing(client, draft_course):
    author = editor()
    permissions = draft_course.permissions_for_user(author)
    assert not permissions.can_publish() and permissions.can_submit_for_moderation()
    assert not draft_course.get_parent().specific.permissions_for_user(author).can_publish_subpage()

    client.force_login(author)
    html = client.get(reverse("wagtailadmin_pages:edit", args=(draft_course.pk,))).content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html

    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert draft_course.permissions_for_user(superuser).can_publish()


def test_the_submitter_cannot_approve_their_own_course(client, draft_course):
    author = editor()
    state = submit(draft_course, author, summary="改过的简介。")

    task = state.current_task_state.task.specific
    assert task.get_actions(draft_course, author) == []
    assert not task.get_task_states_user_can_moderate(author).exists()
    client.force_login(author)
    assert_denied(client.post(approve_url(draft_course, state)))
    draft_course.refresh_from_db()
    assert not draft_course.live
    state.refresh_from_db()
    assert state.status == "in_progress"


def test_a_second_editor_approves_and_the_course_goes_live(client, draft_course):
    author, reviewer = editor(), editor()
    state = submit(draft_course, author, summary="改过的简介。")
    assert [
        a[0] for a in state.current_task_state.task.specific.get_actions(draft_course, reviewer)
    ] == [
        "reject",
        "approve",
        "approve",
    ]

    client.force_login(reviewer)
    response = client.post(approve_url(draft_course, state))
    assert response.status_code in (200, 302)
    draft_course.refresh_from_db()
    assert draft_course.live and draft_course.summary == "改过的简介。"
    state.refresh_from_db()
    assert state.status == "approved"


def test_case_studies_follow_the_same_review(client, case_index):
    case = make_case(case_index, "待审核案例")
    case.unpublish()
    author, reviewer = editor(), editor()
    state = submit(case, author)
    client.force_login(author)
    assert_denied(client.post(approve_url(case, state)))
    client.force_login(reviewer)
    client.post(approve_url(case, state))
    case.refresh_from_db()
    assert case.live


def test_approved_pages_with_a_go_live_date_are_published_on_schedule(client, draft_course):
    author, reviewer = editor(), editor()
    go_live = dt.datetime(2030, 1, 6, 9, 0, tzinfo=dt.UTC)
    state = submit(draft_course, author, go_live_at=go_live)
    client.force_login(reviewer)
    client.post(approve_url(draft_course, state))
    draft_course.refresh_from_db()
    assert not draft_course.live  # approved, waiting for its date

    with time_machine.travel(go_live + dt.timedelta(minutes=1)):
        call_command("publish_scheduled")
    draft_course.refresh_from_db()
    assert draft_course.live


def test_editors_manage_learning_snippets(db):
    user = editor()
    assert user.has_perm("courses.add_learningpath") and user.has_perm("courses.change_product")
    assert user.has_perm("academy.change_industry")


def test_editors_can_open_every_editor_form(client, catalogue, case_index, course, lessons):
    from wagtail.models import Page

    client.force_login(editor())
    urls = [
        reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalogue.pk)),
        reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk)),
        reverse("wagtailadmin_pages:add", args=("courses", "casestudypage", case_index.pk)),
        reverse("wagtailadmin_pages:edit", args=(lessons[2].pk,)),
        reverse("wagtailsnippets_courses_learningpath:list"),
        reverse("wagtailsnippets_courses_learningpath:add"),
        reverse("wagtailsnippets_academy_industry:list"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert Page.objects.get(pk=lessons[2].pk).specific.knowledge_check is not None


def test_the_scheduled_publishing_task_publishes_due_pages(draft_course):
    from courses.tasks import publish_scheduled_pages

    author, reviewer = editor(), editor()
    go_live = dt.datetime(2030, 1, 6, 9, 0, tzinfo=dt.UTC)
    state = submit(draft_course, author, go_live_at=go_live)
    state.current_task_state.task.specific.on_action(state.current_task_state, reviewer, "approve")
    draft_course.refresh_from_db()
    assert not draft_course.live
    with time_machine.travel(go_live + dt.timedelta(seconds=30)):
        publish_scheduled_pages.delay()
    draft_course.refresh_from_db()
    assert draft_course.live
