"""The rules of learners' questions (courses/questions.py): who asks, who answers, who accepts.

- Asking: under a lesson, the learners enrolled in its course; under a case study, signed-in
  members of a provider (a case is about providers' work, so its questions are theirs to ask;
  lecturers and staff without a company answer rather than ask).
- Answering: staff holding "courses.moderate_question", and lecturers whose valid certificate
  authorises the course's teaching topic (academy.teaching, written by certification). A case
  study has no course: any lecturer authorised for some topic (a valid certificate) answers it.
- Accepting: the asker, one answer at a time; the accepted answer of a lecturer is renewal
  evidence (certification's "accepted answers" requirement, told by `answer_accepted`).
- The asker is e-mailed once, when the first answer arrives (outbox → task → mail.send_once).
- Staff hide or delete; readers report; asking is rate-limited per person (the views).

Each service is one transaction that locks the question row first: the row guards its counts
(votes, reports), its answered state and its single accepted answer.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from academy import outbox, page_cache, search, teaching
from academy.errors import AcademyError
from academy.localisation import original_of
from academy.models import LecturerProfile, Membership
from academy.selectors import lecturer_of

from .models import CaseStudyPage, CoursePage, Enrollment, LessonPage
from .questions import (
    ANSWER_MAX,
    BODY_MAX,
    BODY_MIN,
    TITLE_MAX,
    Answer,
    Question,
    QuestionReport,
    QuestionVote,
)
from .signals import answer_accepted

MODERATE = "courses.moderate_question"


class QuestionRefused(AcademyError):
    status = 403
    default_message = gettext_lazy("This is not possible for this question.")


class QuestionNotFound(QuestionRefused):
    status = 404
    default_message = gettext_lazy("This question does not exist or is no longer shown.")


# --- Reading the rules -------------------------------------------------------------------------


def is_moderator(user) -> bool:
    """Staff accounts holding the permission (Academy editors have it), and superusers. The
    staff flag is read first, so a learner's page never loads their permissions."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.has_perm(MODERATE))


def course_of(page: Page) -> CoursePage | None:
    """The course a lesson belongs to (its parent in the tree); None for a case study."""
    if isinstance(page, LessonPage):
        return (
            CoursePage.objects.filter(path=page.path[: -page.steplen]).only("pk", "teaching_topic")
        ).first()
    return None


def _lecturer(user) -> LecturerProfile | None:
    if not user or not user.is_authenticated:
        return None
    return lecturer_of(user)


def lecturer_may_answer(lecturer: LecturerProfile | None, course: CoursePage | None) -> bool:
    """A lesson's questions: authorised for its course's topic; a case's: for any topic."""
    if lecturer is None:
        return False
    if course is None:
        return bool(lecturer.authorised_topics)
    return teaching.authorised(lecturer, course.teaching_topic)


def may_answer(user, question: Question) -> bool:
    if is_moderator(user):
        return True
    return lecturer_may_answer(_lecturer(user), question.course)


def may_ask(user, page: Page) -> bool:
    if not user or not user.is_authenticated:
        return False
    if isinstance(page, LessonPage):
        course = course_of(page)
        return course is not None and Enrollment.objects.filter(user=user, course=course).exists()
    if isinstance(page, CaseStudyPage):
        return Membership.objects.filter(user_id=user.pk).exists()
    return False


def question_page(page_id: int) -> Page:
    """The live lesson or case study questions are asked on; QuestionNotFound otherwise."""
    page = Page.objects.live().filter(pk=page_id).first()
    # Questions belong to the original, whichever language version was posted from.
    page = original_of(page).specific if page is not None else None
    if not isinstance(page, LessonPage | CaseStudyPage):
        raise QuestionNotFound(_("Questions can be asked only under a lesson or a case study."))
    return page


def visible_question(pk: int) -> Question:
    question = Question.objects.select_related("course").filter(pk=pk).first()
    if question is None or not question.is_published:
        raise QuestionNotFound()
    return question


def _clean(text: str, *, limit: int, minimum: int = 1, what: str) -> str:
    text = (text or "").strip()
    if len(text) < minimum:
        raise QuestionRefused(
            _("%(what)s is too short: write at least %(count)d characters.")
            % {"what": what, "count": minimum},
            400,
        )
    if len(text) > limit:
        raise QuestionRefused(
            _("%(what)s is too long: at most %(count)d characters.")
            % {"what": what, "count": limit},
            400,
        )
    return text


# --- Asking ------------------------------------------------------------------------------------


def check_may_ask(user, page: Page) -> None:
    """QuestionRefused (403) with the reason when `user` may not ask under `page`."""
    if not may_ask(user, page):
        if isinstance(page, LessonPage):
            raise QuestionRefused(_("Enrol in the course to ask a question under its lessons."))
        raise QuestionRefused(_("Members of a provider company may ask about case studies."))


def ask(user, page: Page, *, title: str, body: str, language: str = "") -> Question:
    """`user` asks a question under `page` (a lesson of their course, or a case study)."""
    title = _clean(title, limit=TITLE_MAX, minimum=4, what=_("The question"))
    body = _clean(body, limit=BODY_MAX, minimum=BODY_MIN, what=_("The details"))
    check_may_ask(user, page)
    return Question.objects.create(
        page=page,
        course=course_of(page),
        asker=user,
        title=title,
        body=body,
        language=language[:10],
    )


# --- Answering and accepting -------------------------------------------------------------------


def _locked(question: Question) -> Question:
    # of=("self",): the course join is nullable (case studies), and PostgreSQL refuses FOR
    # UPDATE on the nullable side of an outer join.
    locked = (
        Question.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(pk=question.pk)
        .first()
    )
    if locked is None or not locked.is_published:
        raise QuestionNotFound()
    return locked


def answer(user, question: Question, body: str) -> Answer:
    """An authorised lecturer or staff answers; the first answer e-mails the asker (once)."""
    from . import tasks

    body = _clean(body, limit=ANSWER_MAX, minimum=BODY_MIN, what=_("The answer"))
    with transaction.atomic():
        question = _locked(question)
        as_lecturer = lecturer_may_answer(_lecturer(user), question.course)
        if not as_lecturer and not is_moderator(user):
            if question.course is not None and question.course.teaching_topic:
                raise QuestionRefused(
                    _(
                        "Only lecturers certified for “%(topic)s” and the academy's staff "
                        "answer questions on this course."
                    )
                    % {"topic": question.course.teaching_topic}
                )
            if question.course is None:
                raise QuestionRefused(
                    _("Only certified lecturers and the academy's staff answer questions here.")
                )
            raise QuestionRefused(_("The academy's staff answer questions on this course."))
        created = Answer.objects.create(
            question=question, author=user, body=body, by_lecturer=as_lecturer
        )
        if question.answered_at is None:
            question.answered_at = created.created_at
            question.save(update_fields=["answered_at"])
            if question.asker_id != user.pk:
                outbox.enqueue(tasks.email_question_answered, question.pk)
        search.index_object(question)
    return created


def accept(user, answer_: Answer) -> Answer:
    """The asker marks `answer_` as the one that answered them (replacing an earlier choice)."""
    with transaction.atomic():
        question = _locked(answer_.question)
        if question.asker_id != user.pk:
            # Not theirs to decide: as for any other person's object, it does not exist for them.
            raise QuestionNotFound(_("Only the person who asked may accept an answer."))
        answer_ = Answer.objects.select_for_update().get(pk=answer_.pk, question=question)
        if answer_.is_accepted:
            return answer_
        Answer.objects.filter(question=question, accepted_at__isnull=False).update(accepted_at=None)
        answer_.accepted_at = timezone.now()
        answer_.save(update_fields=["accepted_at"])
        if answer_.by_lecturer:
            # Inside the transaction: a receiver records its follow-up with the outbox.
            answer_accepted.send(sender=Answer, answer=answer_, lecturer_user=answer_.author)
    return answer_


# --- Votes and reports -------------------------------------------------------------------------


def toggle_vote(user, question: Question) -> bool:
    """ "Me too": a first click votes, a second takes it back. Returns whether a vote stands."""
    with transaction.atomic():
        question = _locked(question)
        if question.asker_id == user.pk:
            raise QuestionRefused(_("You asked this question: others say “me too”."), 400)
        deleted, _rows = QuestionVote.objects.filter(question=question, user=user).delete()
        if deleted:
            Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") - 1)
            return False
        QuestionVote.objects.create(question=question, user=user)
        Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") + 1)
        return True


def report(user, question: Question, reason: str = "") -> bool:
    """A reader flags a question for staff; a second report by the same person changes nothing.
    Returns whether this report is new."""
    reason = (reason or "").strip()[:300]
    with transaction.atomic():
        question = _locked(question)
        _report, created = QuestionReport.objects.get_or_create(
            question=question, reporter=user, defaults={"reason": reason}
        )
        if created:
            Question.objects.filter(pk=question.pk).update(report_count=F("report_count") + 1)
        return created


# --- Moderation --------------------------------------------------------------------------------


def hide(question: Question) -> Question:
    """Staff take a question (and its answers) off the pages and out of search."""
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(status=Question.Status.HIDDEN)
        page_cache.bump()  # a queryset update sends no post_save: hidden means hidden now
        question.refresh_from_db()
        search.index_object(question)  # not searchable any more: its document goes
    return question


def restore(question: Question) -> Question:
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(status=Question.Status.PUBLISHED)
        page_cache.bump()
        question.refresh_from_db()
        search.index_object(question)
    return question


def delete(question: Question) -> None:
    """Staff delete a question with its answers, votes and reports; its search document goes."""
    with transaction.atomic():
        search.remove_object(question)
        question.delete()


# --- Reading -----------------------------------------------------------------------------------


def accepted_answers(user) -> QuerySet[Answer]:
    """`user`'s accepted answers as a certified lecturer, on questions still published: the
    evidence certification's "accepted answers" requirement counts."""
    return (
        Answer.objects.filter(
            author_id=user.pk,
            by_lecturer=True,
            accepted_at__isnull=False,
            question__status=Question.Status.PUBLISHED,
        )
        .select_related("question")
        .order_by("-accepted_at", "-pk")
    )


def lecturers_with_accepted_answers(at_least: int = 1) -> QuerySet:
    """Ids (`author_id`) of the people with at least `at_least` accepted answers."""
    from django.db.models import Count

    return (
        Answer.objects.filter(
            by_lecturer=True,
            accepted_at__isnull=False,
            question__status=Question.Status.PUBLISHED,
        )
        .values("author_id")
        .annotate(accepted=Count("pk"))
        .filter(accepted__gte=at_least)
        .values("author_id")
    )


# --- Account closure ---------------------------------------------------------------------------


def forget_person(user) -> list[tuple[str, int]]:
    """Erase what `user` typed or clicked in questions (academy's closure, in its transaction):
    returns (what, count) pairs for the closure's log."""
    steps: list[tuple[str, int]] = []
    for vote in QuestionVote.objects.filter(user=user).select_related("question"):
        Question.objects.filter(pk=vote.question_id).update(vote_count=F("vote_count") - 1)
    steps.append(("“me too” votes deleted", QuestionVote.objects.filter(user=user).delete()[0]))
    for report_ in QuestionReport.objects.filter(reporter=user):
        Question.objects.filter(pk=report_.question_id).update(report_count=F("report_count") - 1)
    steps.append(("reports deleted", QuestionReport.objects.filter(reporter=user).delete()[0]))
    answered = set(Answer.objects.filter(author=user).values_list("question_id", flat=True))
    steps.append(("answers deleted", Answer.objects.filter(author=user).delete()[0]))
    asked = Question.objects.filter(asker=user)
    count = 0
    for question in asked:
        search.remove_object(question)
        count += 1
    asked.delete()
    steps.append(("questions deleted with their answers", count))
    for question in Question.objects.filter(pk__in=answered):
        first = question.answers.order_by("created_at").first()
        question.answered_at = first.created_at if first else None
        question.save(update_fields=["answered_at"])
        search.index_object(question)
    return steps
