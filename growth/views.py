"""The diagnosis and the team pages: parse input, call a selector or a service, answer.

A rule that says no (services.GrowthError) becomes a message with its 4xx status. Another
company's diagnosis or member is a 404; a member (not admin) asking for the team view is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from academy import exports
from academy.models import GrowthStage

from . import selectors
from .forms import DirectionStepForm, InvitationForm, RoleForm
from .models import Diagnosis
from .services import GrowthError
from .services import diagnosis as diagnosis_services
from .services import team as team_services

INVITATION_SESSION_KEY = "growth_invitation_token"


def _no_company(request):
    return TemplateResponse(request, "growth/no_company.html", {}, status=403)


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
    directions = diagnosis.directions
    if direction not in directions:
        raise Http404
    index = directions.index(direction)
    form = DirectionStepForm(request.POST or None, diagnosis=diagnosis, direction=direction)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                diagnosis = diagnosis_services.save_answers(diagnosis, form.answers())
                action = request.POST.get("action", "next")
                if action == "back" and index > 0:
                    return redirect("growth:diagnosis_step", pk=pk, direction=directions[index - 1])
                if action == "later":
                    messages.success(request, _("Your answers are saved. Continue any time."))
                    return redirect("growth:diagnosis")
                if action == "finish" or index == len(directions) - 1:
                    diagnosis = diagnosis_services.complete_diagnosis(diagnosis)
                    return redirect("growth:diagnosis_result", pk=diagnosis.pk)
                return redirect("growth:diagnosis_step", pk=pk, direction=directions[index + 1])
            except GrowthError as error:
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
        return redirect(_resume_url(diagnosis))
    return TemplateResponse(
        request, "growth/diagnosis_result.html", selectors.result_context(diagnosis, request.user)
    )


# --- Team -----------------------------------------------------------------------------------------


def _team_admin(request):
    """The admin's membership, or the response to give instead (403 for a plain member)."""
    admin = team_services.admin_membership(request.user)
    if admin is None:
        return None, TemplateResponse(request, "growth/team_forbidden.html", {}, status=403)
    return admin, None


@login_required
def team(request):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    context = selectors.team_context(admin.provider)
    context["invite_form"] = InvitationForm()
    context["me"] = admin
    return TemplateResponse(request, "growth/team.html", context)


@login_required
def team_csv(request):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    rows = selectors.team_members(admin.provider)
    response, writer = exports.csv_response("team.csv")
    writer.writerow(
        [
            _("Name"),
            _("E-mail"),
            _("Role"),
            _("Courses enrolled"),
            _("Courses completed"),
            _("Lessons completed"),
            _("Exams (latest result)"),
            _("Certificates"),
            _("Events attended"),
        ]
    )
    for row in rows:
        m = row.membership
        writer.writerow(
            [
                m.user.display_name,
                m.user.email,
                m.get_role_display(),
                m.enrolled,
                m.completed,
                m.lessons_done,
                "; ".join(
                    f"{a.exam.title}: {_('passed') if a.passed else _('failed')} {a.score}%"
                    for a in row.exams
                ),
                "; ".join(
                    f"{c.programme.title} ({c.get_status_display()}) {c.serial}"
                    for c in row.certificates
                ),
                m.attended,
            ]
        )
    return response


def _team_action(request, action):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    try:
        message = action(admin)
    except GrowthError as error:
        messages.error(request, error.message)
        context = selectors.team_context(admin.provider)
        context["invite_form"] = InvitationForm(request.POST if "email" in request.POST else None)
        context["me"] = admin
        return TemplateResponse(request, "growth/team.html", context, status=error.status)
    messages.success(request, message)
    return redirect("growth:team")


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
@require_POST
def team_revoke(request, pk: int):
    def action(admin):
        invitation = team_services.revoke_invitation(admin, pk)
        return _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}

    return _team_action(request, action)


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
@require_POST
def team_remove(request, pk: int):
    def action(admin):
        team_services.remove_member(admin, pk)
        return _("The member was removed from the team.")

    return _team_action(request, action)


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
