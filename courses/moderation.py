"""Four-eyes publishing of courses and case studies.

An editor submits a page to the "Course and case review" workflow; a *different* member of
"Academy editors" approves it, and approval publishes it (or schedules it, when the page has a
go-live date). Two rules make that true rather than hoped for:

- `PeerReviewTask` offers no approve/reject action to the person who submitted the page or wrote
  the revision under review, so nobody approves their own work (superusers included);
- `ReviewedPagePermissionTester` takes the direct "Publish" action away from everyone but
  superusers on pages that sit under a workflow, so the review cannot be skipped. Editors keep
  "Unpublish": taking a wrong page down must never wait for a second person.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask, PagePermissionTester

# Stored in Chinese like the group names (academy/roles.py): Wagtail prints a workflow's name as
# it is, e.g. in the "Submit to %(workflow_name)s" action (courses migration 0004 renamed them).
REVIEW_WORKFLOW_NAME = "课程与案例审核"  # Course and case review
REVIEW_TASK_NAME = "第二位编辑审批"  # Approval by a second editor

# The page whose review is being approved right now. Approving the last task publishes the page
# on the approver's behalf (Wagtail checks can_publish() then), and only that may publish it.
_approving: ContextVar[str | None] = ContextVar("approving", default=None)


class PeerReviewTask(GroupApprovalTask):
    """Group approval in which the submitter and the revision's author cannot approve."""

    def is_own_work(self, obj, user) -> bool:
        workflow_state = obj.current_workflow_state
        if workflow_state is None:
            return False
        if workflow_state.requested_by_id == user.pk:
            return True
        task_state = workflow_state.current_task_state
        return bool(task_state and task_state.revision.user_id == user.pk)

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if actions and self.is_own_work(obj, user):
            return []  # the submitter may still cancel the workflow (Wagtail's own action)
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != "approve":
            return super().on_action(task_state, user, action_name, **kwargs)
        token = _approving.set(str(task_state.workflow_state.object_id))
        try:
            return super().on_action(task_state, user, action_name, **kwargs)
        finally:
            _approving.reset(token)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if not states.exists():
            return states
        return states.exclude(workflow_state__requested_by=user).exclude(revision__user=user)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve, except whoever submitted or wrote the revision"
        )

    class Meta:
        verbose_name = _("peer review task")
        verbose_name_plural = _("peer review tasks")


class ReviewedPagePermissionTester(PagePermissionTester):
    """Publishing goes through the page's workflow, when it has one; superusers are exempt."""

    def _review_required(self) -> bool:
        return not self.user.is_superuser and self.page.has_workflow

    def can_publish(self):
        if not super().can_publish():
            return False
        return not self._review_required() or _approving.get() == str(self.page.pk)

    def can_publish_subpage(self):
        # A new child inherits this page's workflow, so creating it live would skip the review.
        return super().can_publish_subpage() and not self._review_required()


class ReviewedPageMixin:
    """Mix into page models that editors publish only through review."""

    def permissions_for_user(self, user):
        return ReviewedPagePermissionTester(user, self)


def ensure_review_workflow(page) -> None:
    """Attach the review workflow to `page` (and so its subtree), creating it when missing.

    Idempotent; used by the demo seeder and when an index page is created. The data migration
    0002 does the same with historical models.
    """
    from django.contrib.auth.models import Group
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    from academy.roles import ACADEMY_EDITORS

    workflow, created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME)
    if created or not workflow.workflow_tasks.exists():
        task, _ = PeerReviewTask.objects.get_or_create(name=REVIEW_TASK_NAME)
        task.groups.add(Group.objects.get_or_create(name=ACADEMY_EDITORS)[0])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
