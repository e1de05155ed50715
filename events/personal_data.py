"""events' kinds of personal data (academy/personal_data.py): registrations, attendance, ratings.

At an account's closure every registration that can still be cancelled is cancelled through the
events services, so the freed seat goes to the waitlist (and its e-mails) as for any
cancellation; attendance stays as anonymous statistics; what the person typed (company, role,
notes, rating comments) goes."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy import personal_data

from . import services
from .models import LiveQuestion, LiveQuestionVote, Registration, SessionRating


@personal_data.register
class Registrations(personal_data.Section):
    key = "event_registrations"
    title = _("Event registrations and attendance")
    order = 60
    erase_order = 200

    def collect(self, user):
        ratings = {
            r.registration_id: r for r in SessionRating.objects.filter(registration__user=user)
        }
        rows = []
        for r in Registration.objects.filter(user=user).select_related("event").order_by("pk"):
            rating = ratings.get(r.pk)
            rows.append(
                {
                    "event": r.event.title,
                    "starts": r.event.start,
                    "city": r.event.city,
                    "status": r.get_status_display(),
                    "check-in code": r.code,
                    "signed up": r.created_at,
                    "company": r.company,
                    "job role": r.job_role,
                    "note": r.note,
                    "attendance": r.get_attendance_display(),
                    "checked in": r.checked_in_at,
                    "rating": rating.score if rating else None,
                    "rating comment": rating.comment if rating else "",
                }
            )
        return rows

    def erase(self, user, *, log):
        cancelled = kept = 0
        active = Registration.objects.filter(user=user, status__in=Registration.ACTIVE)
        for registration in active.select_related("event"):
            if registration.event.has_started(timezone.now()):
                kept += 1  # the event is on: its record of who held a seat stays
                continue
            try:
                services.cancel(registration)
            except services.NotCancellable:
                kept += 1
            else:
                cancelled += 1
        log("registrations cancelled, seats passed to the waitlist", cancelled)
        log("registrations at events already under way kept", kept)
        log(
            "registration details erased",
            Registration.objects.filter(user=user).update(
                company="", job_role="", note="", language=""
            ),
        )
        log(
            "rating comments erased",
            SessionRating.objects.filter(registration__user=user)
            .exclude(comment="")
            .update(comment=""),
        )


@personal_data.register
class LiveQuestions(personal_data.Section):
    """Questions sent to events' live Q&A boards, and the votes given to others' questions.

    At closure: questions never answered go; answered ones stay, made anonymous, because the
    exchange is part of the event's published record (the asker's name goes with the account's,
    and the question is marked anonymous so no later name shows either). Votes stay as counts on
    the questions, tied only to the anonymised account."""

    key = "event_live_questions"
    title = _("Questions at events' live Q&A")
    order = 61
    erase_order = 210

    def collect(self, user):
        rows = [
            {
                "event": q.event.title,
                "question": q.text,
                "anonymous": q.anonymous,
                "asked": q.created_at,
                "answer": q.answer,
                "answered": q.answered_at,
                "hidden by the event staff": q.hidden_at is not None,
            }
            for q in LiveQuestion.objects.filter(author=user).select_related("event").order_by("pk")
        ]
        rows += [
            # Which question, not its words: those are the asker's, not this person's.
            {
                "event": v.question.event.title,
                "voted for question": v.question_id,
                "voted": v.created_at,
            }
            for v in LiveQuestionVote.objects.filter(user=user)
            .select_related("question__event")
            .order_by("pk")
        ]
        return rows

    def erase(self, user, *, log):
        questions = LiveQuestion.objects.filter(author=user)
        log(
            "unanswered live questions deleted",
            questions.filter(answered_at__isnull=True).delete()[1].get(LiveQuestion._meta.label, 0),
        )
        log("answered live questions made anonymous", questions.update(anonymous=True))
