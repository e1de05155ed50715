"""`{% page_questions page %}`: the questions section under a lesson or a case study.

An inclusion tag, so the lesson and case templates add one line and their selectors stay as they
are; its queries are courses/questions_selectors.py's fixed few."""

from django import template

from ..questions_selectors import page_questions

register = template.Library()


@register.inclusion_tag("courses/questions/section.html", takes_context=True)
def page_questions_section(context, page):
    request = context["request"]
    # A lesson's context already holds its course and the reader's enrolment: reuse them.
    enrolled = None
    if "enrollment" in context and context.get("course") is not None:
        enrolled = context.get("enrollment") is not None
    section = page_questions(
        page,
        request.user,
        ask_form=context.get("question_form"),
        course=context.get("course"),
        enrolled=enrolled,
    )
    return {
        "request": request,
        "user": request.user,
        "page": page,
        "qa": section,
        "answer_form_errors": context.get("answer_form_errors") or {},
        "csrf_token": context.get("csrf_token"),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }


@register.filter
def errors_for(errors: dict, pk):
    """The answer form (with its errors) that was posted for question `pk`, if any."""
    return errors.get(pk) if errors else None
