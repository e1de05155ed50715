"""The diagnosis and the team pages: parse input, call a selector or a service, answer.

A rule that says no (services.GrowthError, academy's MembershipError) becomes a message with its
4xx status. Another company's diagnosis, member or join request is a 404; a member (not admin)
asking for the team view, or to take the diagnosis, is a 403. A person whose join request is
still pending has no membership, so every page here treats them as having no company.

Over 600 lines: the two page families (diagnosis, team) are thin views side by side, each a few
lines of parsing around a service call; their rules live in growth/services/.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from academy import exports
from academy import selectors as academy_selectors
from academy import services as academy_services
from academy.models import GrowthStage, JoinRequest, Membership
from academy.script import as_written

from . import plans, selectors
from .forms import (
    AssignmentForm,
    DeclineJoinRequestForm,
    DirectionStepForm,
    InvitationForm,
    PlanEditForm,
    RoleForm,
)
from .models import Diagnosis, Invitation
from .services import GrowthError
from .services import assignments as assignment_services
from .services import diagnosis as diagnosis_services
from .services import plans as plan_services
from .services import team as team_services

INVITATION_SESSION_KEY = "growth_invitation_token"


def _no_company(request):
    join_request = academy_selectors.latest_join_request(request.user)
    waiting = join_request is not None and join_request.status == JoinRequest.Status.PENDING
    pending = join_request if waiting else None
    return TemplateResponse(
        request, "growth/no_company.html", {"pending_request": pending}, status=403
    )


def _admins_only(request, message: str = ""):
    """A member asked to take the company's diagnosis: 403, with why and where to read it."""
    return TemplateResponse(
        request, "growth/diagnosis_forbidden.html", {"message": message}, status=403
    )


def _own_diagnosis(request, pk: int):
    membership = diagnosis_services.membership_of(request.user)
    if membership is None:
        raise Http404
    return get_object_or_404(
        Diagnosis.objects.select_related("provider"), pk=pk, provider_id=membership.provider_id
    )


# --- Diagnosis ------------------------------------------------------------------------------------


@login_required
def diagnosis_home(request):
    membership = diagnosis_services.membership_of(request.user)
    if membership is None:
        return _no_company(request)
    provider = membership.provider
    done = selectors.history(provider)
    return TemplateResponse(
        request,
        "growth/diagnosis_home.html",
        {
            "provider": provider,
            "history": done,
            "latest": done[0] if done else None,
            "draft": diagnosis_services.current_draft(provider),
            "questionnaire": diagnosis_services.active_questionnaire(),
            "override": _override_after(provider, done[0] if done else None),
            "may_take": diagnosis_services.may_take_diagnosis(request.user, provider.pk),
        },
    )


def _override_after(provider, latest):
    """The staff override that set the current stage, when it came after the latest result."""
    override = provider.stage_overrides.first()
    if override and (latest is None or override.created_at > latest.completed_at):
        return override
    return None


@login_required
@require_POST
def diagnosis_start(request):
    membership = diagnosis_services.membership_of(request.user)
    if membership is None:
        return _no_company(request)
    try:
        draft = diagnosis_services.start_diagnosis(request.user, membership.provider)
    except GrowthError as error:
        if error.status == 403:
            return _admins_only(request, error.message)
        messages.error(request, error.message)
        return redirect("growth:diagnosis")
    return redirect(_resume_url(draft))


def _resume_url(draft: Diagnosis) -> str:
    """The first direction with an unanswered question (the last one when all are answered)."""
    missing = {q["direction"] for q in diagnosis_services.unanswered(draft)}
    directions = draft.directions
    step = next((d for d in directions if d in missing), directions[-1])
    return reverse("growth:diagnosis_step", args=[draft.pk, step])


@login_required
@require_http_methods(["GET", "POST"])
def diagnosis_step(request, pk: int, direction: str):
    diagnosis = _own_diagnosis(request, pk)
    if diagnosis.state != Diagnosis.State.DRAFT:
        return redirect("growth:diagnosis_result", pk=diagnosis.pk)
    if not diagnosis_services.may_take_diagnosis(request.user, diagnosis.provider_id):
        return _admins_only(request)
    directions = diagnosis.directions
    if direction not in directions:
        raise Http404
    index = directions.index(direction)
    form = DirectionStepForm(request.POST or None, diagnosis=diagnosis, direction=direction)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                diagnosis = diagnosis_services.save_answers(
                    diagnosis, form.answers(), by=request.user
                )
                action = request.POST.get("action", "next")
                if action == "back" and index > 0:
                    return redirect("growth:diagnosis_step", pk=pk, direction=directions[index - 1])
                if action == "later":
                    messages.success(request, _("Your answers are saved. Continue any time."))
                    return redirect("growth:diagnosis")
                if action == "finish" or index == len(directions) - 1:
                    diagnosis = diagnosis_services.complete_diagnosis(diagnosis, by=request.user)
                    return redirect("growth:diagnosis_result", pk=diagnosis.pk)
                return redirect("growth:diagnosis_step", pk=pk, direction=directions[index + 1])
            except GrowthError as error:
                if error.status == 403:
                    return _admins_only(request, error.message)
                form.add_error(None, error.message)
                status = error.status
        else:
            status = 400
    answered = len(diagnosis.answers)
    return TemplateResponse(
        request,
        "growth/diagnosis_step.html",
        {
            "diagnosis": diagnosis,
            "form": form,
            "direction": GrowthStage(direction),
            "steps": [
                {"key": d, "label": GrowthStage(d).label, "current": d == direction}
                for d in directions
            ],
            "step_number": index + 1,
            "step_count": len(directions),
            "is_first": index == 0,
            "is_last": index == len(directions) - 1,
            "answered": answered,
            "total": len(diagnosis.questions),
        },
        status=status,
    )


@login_required
def diagnosis_result(request, pk: int):
    diagnosis = _own_diagnosis(request, pk)
    if diagnosis.state != Diagnosis.State.COMPLETED:
        if not diagnosis_services.may_take_diagnosis(request.user, diagnosis.provider_id):
            return redirect("growth:diagnosis")  # a member reads results, not drafts
        return redirect(_resume_url(diagnosis))
    return TemplateResponse(
        request, "growth/diagnosis_result.html", selectors.result_context(diagnosis, request.user)
    )


# --- Action plan ----------------------------------------------------------------------------------


def _plan_page(request, diagnosis, form=None, status: int = 200):
    plan = plans.plan_of(diagnosis)
    may_edit = plan_services.may_edit_plan(request.user, diagnosis.provider_id)
    context = {
        "diagnosis": diagnosis,
        "provider": diagnosis.provider,
        "plan": plans.plan_view(plan) if plan else None,
        "may_edit": may_edit,
        "is_latest": selectors.is_latest(diagnosis),
    }
    if plan is None:
        context["recommended"] = plan_services.recommended_items(diagnosis, request.user)
    elif may_edit:
        context["form"] = form or PlanEditForm(
            items=[i.item for i in context["plan"].items], addable=plans.addable_choices()
        )
    return TemplateResponse(request, "growth/action_plan.html", context, status=status)


def _completed_diagnosis(request, pk: int):
    diagnosis = _own_diagnosis(request, pk)
    if diagnosis.state != Diagnosis.State.COMPLETED:
        raise Http404
    return diagnosis


@login_required
def action_plan(request, pk: int):
    return _plan_page(request, _completed_diagnosis(request, pk))


@login_required
@require_POST
def action_plan_adopt(request, pk: int):
    diagnosis = _completed_diagnosis(request, pk)
    try:
        plan_services.adopt_plan(request.user, diagnosis)
    except GrowthError as error:
        messages.error(request, error.message)
        return _plan_page(request, diagnosis, status=error.status)
    messages.success(request, _("The plan is adopted. Its progress fills in as your team learns."))
    return redirect("growth:action_plan", pk=diagnosis.pk)


@login_required
@require_POST
def action_plan_edit(request, pk: int):
    diagnosis = _completed_diagnosis(request, pk)
    plan = plans.plan_of(diagnosis)
    if plan is None:
        raise Http404
    if not plan_services.may_edit_plan(request.user, diagnosis.provider_id):
        messages.error(request, _("Only your company's administrators adopt and edit the plan."))
        return _plan_page(request, diagnosis, status=403)
    form = PlanEditForm(request.POST, items=list(plan.items.all()), addable=plans.addable_choices())
    if not form.is_valid():
        return _plan_page(request, diagnosis, form=form, status=400)
    try:
        plan_services.edit_plan(
            request.user, plan, dates=form.dates(), remove=form.removed(), add=form.addition()
        )
    except GrowthError as error:
        form.add_error(None, error.message)
        return _plan_page(request, diagnosis, form=form, status=error.status)
    messages.success(request, _("The plan is saved."))
    return redirect("growth:action_plan", pk=diagnosis.pk)


# --- Team -----------------------------------------------------------------------------------------


def _team_admin(request):
    """The admin's membership, or the response to give instead (403 for a plain member)."""
    admin = team_services.admin_membership(request.user)
    if admin is None:
        return None, TemplateResponse(request, "growth/team_forbidden.html", {}, status=403)
    return admin, None


def _assignment_form(provider, data=None) -> AssignmentForm:
    choices = selectors.assignable(provider)
    members = Membership.objects.filter(provider=provider).select_related("user")
    return AssignmentForm(
        data,
        courses=choices["courses"],
        paths=choices["paths"],
        members=members.order_by("user__display_name", "user__email"),
    )


def _team_page(request, admin, status: int = 200, **bound_forms):
    context = selectors.team_context(admin.provider)
    context["invite_form"] = bound_forms.get("invite_form") or InvitationForm()
    context["assignment_form"] = bound_forms.get("assignment_form") or _assignment_form(
        admin.provider
    )
    context["declining"] = bound_forms.get("declining")  # (request id, bound form) with errors
    context["me"] = admin
    context["undo_minutes"] = _undo_minutes()
    if context["join_link"] is not None:
        context["join_link_url"] = request.build_absolute_uri(
            reverse("growth:join_link", args=[context["join_link"].token])
        )
    return TemplateResponse(request, "growth/team.html", context, status=status)


def _confirm_page(request, **context):
    """The no-script confirmation step of a destructive action: a page with the question, the
    button that does it (POST) and a way back."""
    context.setdefault("cancel_url", reverse("growth:team"))
    return TemplateResponse(request, "growth/team_confirm.html", context)


@login_required
def team(request):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    return _team_page(request, admin)


@login_required
def team_export(request, spreadsheet_format: str = exports.CSV):
    """The team's figures as a spreadsheet (CSV or XLSX), one row per member."""
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    rows = selectors.team_context(admin.provider)["rows"]
    return exports.spreadsheet_response(
        "team",
        _team_export_headings(),
        [_team_export_row(row) for row in rows],
        spreadsheet_format=spreadsheet_format,
        personal_data_for=request,
    )


def _team_export_headings() -> list[str]:
    return [
        pgettext("person", "Name"),
        _("E-mail"),
        _("Role"),
        _("Courses enrolled"),
        _("Courses completed"),
        _("Lessons completed"),
        _("Exams (latest result)"),
        _("Certificates"),
        _("Events attended"),
        _("Assignments"),
    ]


def _team_export_row(row) -> list:
    m = row.membership
    return [
        as_written(m.user.display_name),
        m.user.email,
        m.get_role_display(),
        m.enrolled,
        m.completed,
        m.lessons_done,
        "; ".join(
            f"{a.exam.title}: {_('passed') if a.passed else _('failed')} "
            f"{exports.percent_text(a.score)}"
            for a in row.exams
        ),
        "; ".join(
            f"{c.programme.title} ({c.get_status_display()}) {c.serial}" for c in row.certificates
        ),
        m.attended,
        "; ".join(
            f"{a.assignment.subject.title}: {a.state_label} "
            f"({a.lessons_done}/{a.lessons_total}, {_('due')} {a.due.isoformat()})"
            for a in row.assignments
        ),
    ]


def _team_action(request, action, anchor: str = "", **bound_forms):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    try:
        message = action(admin)
    except (GrowthError, academy_services.MembershipError) as error:
        if error.status == 404:
            raise Http404 from error  # another company's member, invitation or assignment
        messages.error(request, error.message)
        if "email" in request.POST:
            bound_forms.setdefault("invite_form", InvitationForm(request.POST))
        return _team_page(request, admin, status=error.status, **bound_forms)
    messages.success(request, message)
    url = reverse("growth:team")
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_POST
def team_invite(request):
    form = InvitationForm(request.POST)

    def action(admin):
        if not form.is_valid():
            raise GrowthError(_("Enter a valid e-mail address."), 400)
        invitation = team_services.invite(
            admin, form.cleaned_data["email"], form.cleaned_data["role"]
        )
        return _("Invitation sent to %(email)s.") % {"email": invitation.email}

    return _team_action(request, action)


@login_required
@require_http_methods(["GET", "POST"])
def team_revoke(request, pk: int):
    if request.method == "GET":
        admin, refusal = _team_admin(request)
        if refusal:
            return refusal
        invitation = get_object_or_404(
            Invitation, pk=pk, provider=admin.provider, accepted_at__isnull=True
        )
        return _confirm_page(
            request,
            title=_("Withdraw the invitation to %(email)s?") % {"email": invitation.email},
            explanation=_(
                "The link in their e-mail stops working. You can undo this for %(minutes)s minutes."
            )
            % {"minutes": _undo_minutes()},
            action_url=reverse("growth:team_revoke", args=[pk]),
            button=_("Withdraw the invitation"),
        )

    def action(admin):
        invitation = team_services.revoke_invitation(admin, pk)
        return _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}

    return _team_action(request, action, anchor="undo")


@login_required
@require_POST
def team_restore_invitation(request, pk: int):
    def action(admin):
        invitation = team_services.restore_invitation(admin, pk)
        return _("The invitation to %(email)s is open again.") % {"email": invitation.email}

    return _team_action(request, action)


def _undo_minutes() -> int:
    return int(team_services.undo_window().total_seconds() // 60)


@login_required
@require_POST
def team_role(request, pk: int):
    form = RoleForm(request.POST)

    def action(admin):
        if not form.is_valid():
            raise GrowthError(_("Choose a role."), 400)
        membership = team_services.change_role(admin, pk, form.cleaned_data["role"])
        return _("%(name)s is now %(role)s.") % {
            "name": membership.user,
            "role": membership.get_role_display(),
        }

    return _team_action(request, action)


@login_required
@require_http_methods(["GET", "POST"])
def team_remove(request, pk: int):
    if request.method == "GET":
        admin, refusal = _team_admin(request)
        if refusal:
            return refusal
        try:
            member = team_services.team_member(admin, pk)
        except GrowthError as error:
            raise Http404 from error
        return _confirm_page(
            request,
            title=_("Remove %(name)s from the team?") % {"name": as_written(member.user)},
            explanation=_(
                "They keep their account, learning record and certificates, but no longer see "
                "the company's pages or assignments. You can undo this for %(minutes)s minutes."
            )
            % {"minutes": _undo_minutes()},
            action_url=reverse("growth:team_remove", args=[pk]),
            button=_("Remove from the team"),
        )

    def action(admin):
        removal = team_services.remove_member(admin, pk)
        return _("%(name)s was removed from the team.") % {"name": removal.user}

    return _team_action(request, action, anchor="undo")


@login_required
@require_POST
def team_restore_member(request, pk: int):
    def action(admin):
        membership = team_services.restore_member(admin, pk)
        return _("%(name)s is back in the team.") % {"name": membership.user}

    return _team_action(request, action)


# --- Assignments ------------------------------------------------------------------------------


@login_required
@require_POST
def team_assign(request):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    form = _assignment_form(admin.provider, request.POST)

    def action(admin):
        if not form.is_valid():
            raise GrowthError(_("Check the assignment: what, who and by when."), 400)
        assignment = assignment_services.assign(
            admin, form.cleaned_data["subject"], form.member_id(), form.cleaned_data["due_on"]
        )
        return _("Assigned “%(title)s”, due on %(date)s.") % {
            "title": assignment.subject.title,
            "date": assignment.due_on.isoformat(),
        }

    return _team_action(request, action, anchor="assignments", assignment_form=form)


@login_required
@require_POST
def team_assignment_cancel(request, pk: int):
    def action(admin):
        assignment = assignment_services.cancel_assignment(admin, pk)
        return _("The assignment “%(title)s” was cancelled.") % {"title": assignment.subject.title}

    return _team_action(request, action, anchor="assignments")


# --- The join link ----------------------------------------------------------------------------


@login_required
@require_POST
def team_join_link(request):
    def action(admin):
        if request.POST.get("action") == "disable":
            team_services.disable_join_link(admin)
            return _("The join link is switched off.")
        link = team_services.renew_join_link(admin)
        return _("A new join link is ready; it works until %(date)s.") % {
            "date": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")
        }

    return _team_action(request, action, anchor="join-link")


@login_required
@require_POST
def team_approve(request, pk: int):
    def action(admin):
        membership = academy_services.approve_join_request(admin, pk)
        return _("%(name)s joined your team.") % {"name": membership.user}

    return _team_action(request, action)


@login_required
@require_POST
def team_decline(request, pk: int):
    form = DeclineJoinRequestForm(request.POST)

    def action(admin):
        if not form.is_valid():
            raise GrowthError(" ".join(form.errors["reason"]), 400)
        join_request = academy_services.decline_join_request(admin, pk, form.cleaned_data["reason"])
        return _("You declined the request of %(name)s; they will be e-mailed your reason.") % {
            "name": join_request.user
        }

    return _team_action(request, action, declining=(pk, form))


JOIN_LINK_SESSION_KEY = "growth_join_link_token"


@require_http_methods(["GET", "POST"])
def join_link(request, token: str):
    """The company's shareable join link. GET says which company and asks to confirm (a link
    previewed by a chat app must not join anyone); POST joins. Anonymous visitors sign up or
    sign in first (receivers.py joins them then)."""
    try:
        link = team_services.open_join_link(token)
    except GrowthError as error:
        return TemplateResponse(
            request, "growth/join_error.html", {"error": error.message}, status=error.status
        )
    if request.method == "POST":
        if not request.user.is_authenticated:
            request.session[JOIN_LINK_SESSION_KEY] = token
            return redirect(f"{reverse('account_signup')}?next={reverse('my_academy')}")
        try:
            membership = team_services.join_by_link(token, request.user)
        except GrowthError as error:
            return TemplateResponse(
                request, "growth/join_error.html", {"error": error.message}, status=error.status
            )
        messages.success(
            request, _("Welcome to %(company)s.") % {"company": membership.provider.name}
        )
        return redirect("my_academy")
    return TemplateResponse(request, "growth/join_link.html", {"link": link})


def join(request, token: str):
    """The invitation link. Signed in: accept now. Otherwise remember it for after sign-up or
    login (receivers.py accepts it then)."""
    if not request.user.is_authenticated:
        request.session[INVITATION_SESSION_KEY] = token
        messages.info(
            request, _("Sign in or create an account with the invited address to join the team.")
        )
        return redirect(f"{reverse('account_signup')}?next={reverse('my_academy')}")
    try:
        membership = team_services.accept_invitation(token, request.user)
    except GrowthError as error:
        return TemplateResponse(
            request, "growth/join_error.html", {"error": error.message}, status=error.status
        )
    request.session.pop(INVITATION_SESSION_KEY, None)
    messages.success(request, _("Welcome to %(company)s.") % {"company": membership.provider.name})
    return redirect("my_academy")
