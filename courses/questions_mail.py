"""The e-mail a learner gets when their question is first answered: once (academy.mail)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from academy import mail
from academy.script import render_text
from academy.site_url import absolute_url

from .questions import Question


def email_question_answered(question_id: int) -> bool:
    """Tell the asker their question has an answer; a second run finds it sent and sends nothing."""

    def compose():
        question = (
            Question.objects.select_for_update(of=("self",))
            .select_related("asker")
            .filter(
                pk=question_id,
                status=Question.Status.PUBLISHED,
                answered_at__isnull=False,
                asker_notified_at__isnull=True,
            )
            .first()
        )
        if question is None:
            return None
        asker = question.asker
        if not asker.is_active or not asker.email:
            return []
        language = question.language or settings.LANGUAGE_CODE
        page = question.page.specific
        context = {
            "question": question,
            "page_title": page.title,
            "url": absolute_url(f"{page.url or ''}#question-{question.pk}", language),
        }
        return EmailMessage(
            render_text("courses/questions/email/answered_subject.txt", context, language).strip(),
            render_text("courses/questions/email/answered_body.txt", context, language),
            to=[asker.email],
        )

    return mail.send_once(
        f"courses:question:{question_id}:answered",
        kind="question-answered",
        compose=compose,
        mark_sent=lambda: Question.objects.filter(pk=question_id).update(
            asker_notified_at=timezone.now()
        ),
    )
