"""Routes of learners' questions: parse input, call courses/questions_services.py, answer.

Every route takes POST only and answers with a redirect back to the question on its page. Bad
input re-renders the page with the form's errors (400); a rule that says no (QuestionRefused)
reaches academy's error middleware as a message page with its 403/404; nothing here decides.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.ratelimits import rate_limited

from . import questions_services as services
from .questions import Answer
from .questions_forms import AnswerForm, AskForm, ReportForm


def _back(request, question, anchor: str = "") -> HttpResponseRedirect:
    page = question.page.specific
    url = page.get_url(request) or "/"
    return HttpResponseRedirect(f"{url}#{anchor or f'question-{question.pk}'}")


def _rerender(request, page, status: int = 400, **context):
    """The page again, with the posted form and its errors (lessons and cases alike)."""
    return TemplateResponse(
        request,
        page.get_template(request),
        {**page.get_context(request), **context},
        status=status,
    )


@require_POST
@login_required
@rate_limited("course_question")
def ask(request, page_id: int):
    page = services.question_page(page_id)
    services.check_may_ask(request.user, page)
    form = AskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your question was not posted: see the form below."))
        return _rerender(request, page, question_form=form)
    question = services.ask(
        request.user,
        page,
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
        language=translation.get_language() or "",
    )
    messages.success(
        request,
        _("Your question is posted. We e-mail you when a lecturer answers it."),
    )
    return _back(request, question)


@require_POST
@login_required
@rate_limited("course_answer")
def answer(request, pk: int):
    question = services.visible_question(pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Your answer was not posted: %(errors)s") % {"errors": " ".join(form.errors["body"])},
        )
        return _rerender(request, question.page.specific, answer_form_errors={pk: form})
    services.answer(request.user, question, form.cleaned_data["body"])
    messages.success(request, _("Your answer is posted; the person who asked is e-mailed."))
    return _back(request, question)


@require_POST
@login_required
def accept(request, pk: int):
    answer_ = get_object_or_404(Answer.objects.select_related("question"), pk=pk)
    services.accept(request.user, answer_)
    messages.success(request, _("You marked this answer as the one that answered you."))
    return _back(request, answer_.question, anchor=f"answer-{answer_.pk}")


@require_POST
@login_required
def vote(request, pk: int):
    question = services.visible_question(pk)
    voted = services.toggle_vote(request.user, question)
    if voted:
        messages.success(request, _("Noted: you have this question too."))
    else:
        messages.info(request, _("Your “me too” is taken back."))
    return _back(request, question)


@require_POST
@login_required
@rate_limited("question_report")
def report(request, pk: int):
    question = services.visible_question(pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return _rerender(request, question.page.specific)
    created = services.report(request.user, question, form.cleaned_data["reason"])
    if created:
        messages.success(request, _("Thank you: the academy's staff will look at this question."))
    else:
        messages.info(request, _("You have already reported this question; staff will look at it."))
    return _back(request, question)
