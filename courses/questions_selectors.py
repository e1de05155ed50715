"""Read queries of the questions under a lesson or a case study, and of the lecturer's desk.

A page's questions cost a fixed number of queries whatever their number (tests pin it): the
questions with their askers, their answers with authors (prefetched), the reader's votes, and
the reader's rights decided once for the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from wagtail.models import Page

from academy import fragments
from academy.models import LecturerProfile
from academy.selectors import lecturer_of

from . import questions_services as rules
from .models import CoursePage, LessonPage
from .questions import Answer, Question, QuestionReport, QuestionVote
from .questions_forms import AskForm

# A page shows its most-asked questions first; beyond this many, the rest wait for search.
PAGE_LIMIT = 50
DESK_LIMIT = 20


@dataclass
class PageQuestions:
    questions: list[Question]
    total: int
    may_ask: bool
    may_answer: bool
    is_moderator: bool
    ask_form: AskForm | None
    is_case: bool = False
    voted: set[int] = field(default_factory=set)
    reported: set[int] = field(default_factory=set)


def published_on(page: Page) -> QuerySet[Question]:
    return Question.objects.filter(page_id=page.pk, status=Question.Status.PUBLISHED)


def published_questions(page: Page) -> tuple[list[Question], int]:
    """The page's published questions, most voted first, with askers and answers, and how many
    there are; kept until content changes (academy/fragments.py): asking, answering, accepting and
    moderating are writes that bump it. Votes are not (a vote is a volatile row and a counter
    update): page_questions reads a signed-in reader's counts afresh."""

    def find() -> tuple[list[Question], int]:
        answers = Answer.objects.select_related("author").order_by(
            "-accepted_at", "created_at", "pk"
        )
        queryset = (
            published_on(page)
            .select_related("asker")
            .prefetch_related(Prefetch("answers", queryset=answers))
            .order_by("-vote_count", "-created_at", "-pk")
        )
        questions = list(queryset[:PAGE_LIMIT])
        total = len(questions)
        if total == PAGE_LIMIT:
            total = published_on(page).count()
        return questions, total

    if not page.pk:  # a preview of a page not saved yet
        return find()
    return fragments.versioned("published-questions", (page.pk,), find)


def page_questions(
    page: Page,
    user,
    ask_form: AskForm | None = None,
    *,
    course: CoursePage | None = None,
    enrolled: bool | None = None,
) -> PageQuestions:
    """The page's published questions and what the reader may do with them.

    A lesson's page passes its `course` and whether the reader is `enrolled` (its context has
    both), so the rights cost no query of their own; a case study reads the reader's company.
    """
    questions, total = published_questions(page)
    is_lesson = isinstance(page, LessonPage)
    # A preview of a page not saved yet has no id to ask under.
    signed_in = bool(user and user.is_authenticated and page.pk)
    may_ask = may_answer = moderator = False
    if signed_in:
        if is_lesson and course is None:
            course = rules.course_of(page)
        may_ask = enrolled if is_lesson and enrolled is not None else rules.may_ask(user, page)
        moderator = rules.is_moderator(user)
        may_answer = moderator or rules.lecturer_may_answer(
            lecturer_of(user), course if is_lesson else None
        )
    voted: set[int] = set()
    reported: set[int] = set()
    if signed_in and questions:
        # In one query: the counts as they are now (a reader who just voted sees it counted) and
        # the reader's own votes and reports.
        rows = (
            Question.objects.filter(pk__in=[q.pk for q in questions])
            .annotate(
                voted=Exists(QuestionVote.objects.filter(user=user, question=OuterRef("pk"))),
                reported=Exists(
                    QuestionReport.objects.filter(reporter=user, question=OuterRef("pk"))
                ),
            )
            .values_list("pk", "vote_count", "voted", "reported")
        )
        counts = {}
        for pk, vote_count, has_voted, has_reported in rows:
            counts[pk] = vote_count
            if has_voted:
                voted.add(pk)
            if has_reported:
                reported.add(pk)
        for question in questions:
            question.vote_count = counts.get(question.pk, question.vote_count)
        # published_questions' order, by the counts as they are now.
        questions.sort(key=lambda q: (-q.vote_count, -q.created_at.timestamp(), -q.pk))
    return PageQuestions(
        questions=questions,
        total=total,
        may_ask=may_ask,
        may_answer=may_answer,
        is_moderator=moderator,
        ask_form=(ask_form or AskForm()) if may_ask else None,
        is_case=not is_lesson,
        voted=voted,
        reported=reported,
    )


def unanswered_for(lecturer: LecturerProfile) -> list[Question]:
    """Published questions without an answer that `lecturer` may answer: on lessons of courses
    whose topic they are authorised for, and on case studies when they hold any topic."""
    topics = [t for t in lecturer.authorised_topics if t]
    if not topics:
        return []
    scope = Q(course__teaching_topic__in=topics) | Q(course__isnull=True)
    return list(
        Question.objects.filter(
            scope, status=Question.Status.PUBLISHED, answered_at__isnull=True, page__live=True
        )
        .select_related("page")
        .order_by("-vote_count", "created_at", "pk")[:DESK_LIMIT]
    )
