"""A person with every kind of data the academy holds (issue 20), and a search of every table.

`rich_person` gives one person a company, a declined request, a lecturer profile, enrolments and
lesson progress, an exam attempt with a written answer, a certificate (signed PDF), an officer
application, an upcoming seat (at a full event, with someone waiting) and a past attended
session with a rating, a diagnosis they started, an invitation to their address, a profile
language and a welcome e-mail. `others` gives a second person overlapping data in the same
places, so an export or a closure that leaks across people shows.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import models
from django.utils import timezone

from academy import search, services
from academy.models import JoinRequest, Membership, OutgoingMail, Provider, User
from certification.models import ApprovalApplication, Attempt, Certificate, Response
from certification.services import course_certificates
from courses.models import (
    Answer,
    Enrollment,
    LessonProgress,
    PlaybackPosition,
    Question,
    QuestionVote,
)
from events.models import LiveQuestion, LiveQuestionVote, Registration, SessionRating
from growth.models import Diagnosis, Invitation
from tests.certification.factories_programmes import award, make_exam, simple_programme
from tests.courses.content import make_catalogue, make_course, make_lesson
from tests.events.factories import make_event, make_index
from tests.factories import LecturerProfileFactory, ProviderFactory, UserFactory

NAME = "欧阳明远"
EMAIL = "ouyang.mingyuan@example.com"
OLD_EMAIL = "ouyang.old@example.com"


@dataclass
class World:
    person: User
    other: User
    provider: Provider
    certificate: Certificate
    future_event: object
    waiting: Registration
    exam: object
    course: object
    marks: dict = field(default_factory=dict)  # what of the other person must never show


def rich_person(home_page) -> World:
    person = UserFactory(email=EMAIL, display_name=NAME, first_name="明远", last_name="欧阳")
    other = UserFactory(email="someone.else@example.com", display_name="司马光华")
    services.set_profile_language(person, "zh-hant")

    provider = ProviderFactory(name="远航数科")
    Membership.objects.create(user=person, provider=provider, role=Membership.Role.MEMBER)
    Membership.objects.create(user=other, provider=provider, role=Membership.Role.ADMIN)
    declined = ProviderFactory(name="别家公司")
    JoinRequest.objects.create(
        user=person,
        provider=declined,
        status=JoinRequest.Status.DECLINED,
        decline_reason=f"{NAME} 不是本公司员工",
    )
    LecturerProfileFactory(user=person, bio=f"我是{NAME}，做小程序十年。", city="杭州")

    catalogue = make_catalogue(home_page)
    course = make_course(catalogue, "隐私合规入门")
    lesson = make_lesson(course, "个人信息处理规则")
    for who, seconds in ((person, 42.0), (other, 7.0)):
        enrollment = Enrollment.objects.create(user=who, course=course, last_lesson=lesson)
        LessonProgress.objects.create(
            user=who, lesson=lesson, completed_at=timezone.now(), check_score=80
        )
        PlaybackPosition.objects.create(
            enrollment=enrollment, lesson=lesson, block_id="video", position=seconds
        )

    # A question the person asked (answered, so indexed by search), and their answer to another's.
    asked = Question.objects.create(
        page=lesson,
        course=course,
        asker=person,
        title="隐私政策怎么写？",
        body=f"{NAME}想问：隐私政策需要包含哪些内容？",
        answered_at=timezone.now(),
    )
    Answer.objects.create(question=asked, author=other, body="列出收集的信息和用途。")
    theirs = Question.objects.create(
        page=lesson,
        course=course,
        asker=other,
        title="同意记录存多久？",
        body="同意记录应该保存多久？",
        answered_at=timezone.now(),
        vote_count=1,
    )
    Answer.objects.create(
        question=theirs, author=person, body=f"{NAME}的回答：按法规保存。", by_lecturer=True
    )
    QuestionVote.objects.create(question=theirs, user=person)
    for question in (asked, theirs):
        search.index_object(question)

    exam = make_exam(title="认证笔试 · 隐私")
    for who, words in ((person, f"答案由{NAME}写"), (other, "另一个人的答案 OTHER-ANSWER")):
        attempt = Attempt.objects.create(
            user=who,
            exam=exam,
            state=Attempt.State.GRADED,
            passed=True,
            score=Decimal("85"),
            submitted_at=timezone.now(),
            graded_at=timezone.now(),
        )
        Response.objects.create(
            attempt=attempt,
            position=0,
            kind="short",
            scoring="all",
            text="请说明告知同意原则。",
            points=Decimal("1"),
            text_answer=words,
            points_awarded=Decimal("1"),
        )
    programme = simple_programme(exam=exam, title="认证讲师 · 隐私合规")
    certificate = award(person, programme)
    certificate.refresh_from_db()
    # They finished the course: a course certificate in their name.
    Enrollment.objects.filter(user=person, course=course).update(completed_at=timezone.now())
    course_certificates.issue_course_certificate(person, course)
    ApprovalApplication.objects.create(
        applicant=person, programme=programme, statement=f"{NAME}申请认证"
    )

    index = make_index(home_page)
    future_event = make_event(index, title="隐私合规工作坊", capacity=1)
    Registration.objects.create(
        event=future_event,
        user=person,
        status=Registration.Status.CONFIRMED,
        code="PERS0001",
        company="远航数科",
        job_role="产品经理",
        note=f"{NAME} 需要发票",
        confirmed_at=timezone.now(),
    )
    waiting = Registration.objects.create(
        event=future_event, user=other, status=Registration.Status.WAITLISTED, code="OTHR0001"
    )
    past_event = make_event(
        index, title="讲师面授课", start=timezone.now() - timedelta(days=5), capacity=5
    )
    past = Registration.objects.create(
        event=past_event,
        user=person,
        status=Registration.Status.CONFIRMED,
        code="PERS0002",
        attendance=Registration.Attendance.ATTENDED,
        checked_in_at=timezone.now() - timedelta(days=5),
    )
    SessionRating.objects.create(registration=past, score=4, comment=f"{NAME}：讲得好")
    # The live Q&A of the past session: the person's question, and their vote for another's.
    past_event.live_qa = True
    past_event.save(update_fields=["live_qa"])
    LiveQuestion.objects.create(event=past_event, author=person, text=f"{NAME}想问：发票怎么开？")
    others_question = LiveQuestion.objects.create(
        event=past_event, author=other, text="OTHER-LIVE-QUESTION"
    )
    LiveQuestionVote.objects.create(question=others_question, user=person)

    Diagnosis.objects.create(
        provider=provider,
        questionnaire_version=1,
        started_by=person,
        answers={"1": 0, "2": 1},
        state=Diagnosis.State.COMPLETED,
        completed_at=timezone.now(),
        total_percent=55,
    )
    Invitation.objects.create(provider=provider, email=EMAIL, invited_by=other)
    services.send_welcome_email(person.pk, "zh-hans")
    services.send_welcome_email(other.pk, "zh-hans")
    # An address used before: its mails are theirs too.
    EmailAddress.objects.create(user=person, email=OLD_EMAIL, verified=True, primary=False)
    OutgoingMail.objects.create(
        key="test:old-address",
        kind="join_decision",
        recipients=OLD_EMAIL,
        subject="加入申请结果",
        status=OutgoingMail.Status.SENT,
        sent_at=timezone.now(),
    )

    return World(
        person=person,
        other=other,
        provider=provider,
        certificate=certificate,
        future_event=future_event,
        waiting=waiting,
        exam=exam,
        course=course,
        marks={
            "e-mail": other.email,
            "name": other.display_name,
            "answer": "OTHER-ANSWER",
            "code": "OTHR0001",
            "live question": "OTHER-LIVE-QUESTION",
        },
    )


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.EmailField)


def tables_mentioning(*needles: str) -> list[str]:
    """Every model field (of every installed app, text and JSON columns) holding a needle."""
    found = []
    wanted = [n.lower() for n in needles if n]
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, TEXT_FIELDS) or f.get_internal_type() == "JSONField"
        ]
        if not columns:
            continue
        for row in model._default_manager.using("default").values_list(*columns).iterator():
            for column, value in zip(columns, row, strict=True):
                text = str(value).lower()
                hits = [n for n in wanted if n in text]
                if hits:
                    found.append(f"{model._meta.label}.{column}: {hits}")
    return found
