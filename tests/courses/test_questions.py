"""Questions under lessons and case studies: who asks, who answers, who accepts, the one e-mail,
search, moderation, reports, the rate limit, the lecturer's desk and the page's query ceiling."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy import search
from academy.models import OutgoingMail
from academy.roles import ACADEMY_EDITORS
from courses import questions_mail, questions_services, services, tasks
from courses.models import Answer, Question, QuestionReport, QuestionVote
from tests.factories import LecturerProfileFactory, MembershipFactory, UserFactory

from .content import en, make_case, make_course, make_lesson

TOPIC = "小程序电商"


@pytest.fixture
def qa_course(catalogue):
    course = make_course(catalogue, "小程序会员运营", teaching_topic=TOPIC)
    make_lesson(course, "会员积分怎么设计")
    return course


@pytest.fixture
def lesson(qa_course):
    return qa_course.get_children().specific().first()


@pytest.fixture
def learner(member, qa_course):
    services.enrol(member, qa_course)
    return member


@pytest.fixture
def lecturer(db):
    return LecturerProfileFactory(authorised_topics=[TOPIC], user__display_name="王老师").user


@pytest.fixture
def other_lecturer(db):
    return LecturerProfileFactory(authorised_topics=["门店数字化"]).user


@pytest.fixture
def staff(db):
    user = UserFactory(display_name="学院编辑小李", is_staff=True)
    user.groups.add(Group.objects.get(name=ACADEMY_EDITORS))
    return user


def ask(
    learner,
    lesson,
    title="积分会员怎么和外卖平台打通？",
    body="已经在外卖平台卖，还能用小程序做会员吗？",
):
    return questions_services.ask(learner, lesson, title=title, body=body, language="zh-hans")


def post_ask(client, page, **data):
    return client.post(f"/en/questions/ask/{page.pk}/", data)


# --- Asking ------------------------------------------------------------------------------------


def test_an_enrolled_learner_asks_under_a_lesson_and_anyone_reads_it(
    client, member_client, learner, lesson
):
    response = post_ask(
        member_client,
        lesson,
        title="积分会员怎么和外卖平台打通？",
        body="已经在外卖平台卖，还能用小程序做会员吗？",
    )
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{question.pk}")
    assert question.asker == learner and question.course_id == lesson.get_parent().pk
    page = client.get(en(lesson))  # an anonymous reader
    assert "积分会员怎么和外卖平台打通？" in page.content.decode()
    assert learner.email not in page.content.decode()  # the display name only


def test_a_learner_not_enrolled_may_not_ask(client, lesson):
    outsider = UserFactory()
    client.force_login(outsider)
    response = post_ask(client, lesson, title="我能问吗？", body="我还没有报名这门课程。")
    assert response.status_code == 403
    assert "Enrol in the course to ask a question" in response.content.decode()
    assert not Question.objects.exists()


def test_bad_input_is_a_400_with_the_forms_message(member_client, learner, lesson):
    response = post_ask(member_client, lesson, title="短", body="x" * 2001)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Write your question in at least 4 characters." in text
    assert "Shorten the details to 2000 characters." in text
    assert not Question.objects.exists()


def test_asking_under_a_page_that_is_not_a_lesson_or_case_is_a_404(member_client, catalogue):
    response = post_ask(
        member_client, catalogue, title="这里能问吗？", body="课程目录下面不能提问。"
    )
    assert response.status_code == 404


def test_members_of_a_provider_ask_under_a_case_and_others_may_not(client, case_index):
    case = make_case(case_index, "茶饮品牌的小程序会员")
    member = MembershipFactory().user
    client.force_login(member)
    assert (
        post_ask(
            client, case, title="储值卡怎么设计？", body="储值卡和积分哪个应该先做？"
        ).status_code
        == 302
    )
    client.force_login(UserFactory())
    response = post_ask(
        client, case, title="我没有公司可以问吗？", body="个人用户能否在案例下面提问？"
    )
    assert response.status_code == 403
    assert Question.objects.count() == 1


def test_asking_is_rate_limited_per_person(member_client, learner, lesson, settings):
    settings.ACADEMY_RATE_LIMITS = {**settings.ACADEMY_RATE_LIMITS, "course_question": "2/10m/user"}
    for n in range(2):
        response = post_ask(
            member_client, lesson, title=f"第{n}个问题呢？", body="问题的详细说明在这里。"
        )
        assert response.status_code == 302
    response = post_ask(
        member_client, lesson, title="第三个问题呢？", body="问题的详细说明在这里。"
    )
    assert response.status_code == 429
    assert Question.objects.count() == 2


# --- Answering ---------------------------------------------------------------------------------


def test_an_authorised_lecturer_answers_and_the_asker_is_emailed_once(
    client, learner, lesson, lecturer, django_capture_on_commit_callbacks
):
    question = ask(learner, lesson)
    client.force_login(lecturer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/questions/{question.pk}/answer/",
            {"body": "可以：用小程序会员卡承接外卖订单的复购，积分两边通用。"},
        )
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.by_lecturer and answer.author == lecturer
    question.refresh_from_db()
    assert question.answered_at is not None and question.asker_notified_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [learner.email]
    assert "积分会员怎么和外卖平台打通？" in mail.outbox[0].subject
    assert f"#question-{question.pk}" in mail.outbox[0].body
    # The task runs again (a relay, a duplicate): nothing more is sent.
    assert questions_mail.email_question_answered(question.pk) is False
    tasks.email_question_answered.apply(args=[question.pk])
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.filter(kind="question-answered").count() == 1
    # A second answer does not e-mail the asker again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/questions/{question.pk}/answer/", {"body": "补充：注意外卖平台的规则。"})
    assert Answer.objects.count() == 2
    assert len(mail.outbox) == 1


def test_a_lecturer_of_another_topic_and_a_learner_may_not_answer(
    client, learner, lesson, other_lecturer
):
    question = ask(learner, lesson)
    client.force_login(other_lecturer)
    response = client.post(f"/en/questions/{question.pk}/answer/", {"body": "我来回答这个问题吧。"})
    assert response.status_code == 403
    assert "Only lecturers certified for" in response.content.decode()
    client.force_login(MembershipFactory().user)
    response = client.post(f"/en/questions/{question.pk}/answer/", {"body": "我来回答这个问题吧。"})
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_staff_answer_without_counting_as_lecturer(learner, lesson, staff):
    question = ask(learner, lesson)
    answer = questions_services.answer(staff, question, "学院会在下周的直播里专门讲这个问题。")
    assert not answer.by_lecturer


def test_any_certified_lecturer_answers_under_a_case(case_index, other_lecturer):
    case = make_case(case_index, "零售门店的企业微信")
    asker = MembershipFactory().user
    question = questions_services.ask(
        asker, case, title="导购怎么加客户？", body="门店导购添加客户的步骤。"
    )
    answer = questions_services.answer(
        other_lecturer, question, "用企业微信的渠道活码，按门店区分。"
    )
    assert answer.by_lecturer
    uncertified = LecturerProfileFactory(authorised_topics=[]).user
    with pytest.raises(questions_services.QuestionRefused):
        questions_services.answer(uncertified, question, "我也想回答这个问题。")


def test_answers_have_length_limits(client, learner, lesson, lecturer):
    question = ask(learner, lesson)
    client.force_login(lecturer)
    response = client.post(f"/en/questions/{question.pk}/answer/", {"body": "好"})
    assert response.status_code == 400
    assert "Write your answer in at least 10 characters." in response.content.decode()
    assert not Answer.objects.exists()


# --- Accepting ---------------------------------------------------------------------------------


def test_only_the_asker_accepts_one_answer(client, learner, lesson, lecturer, staff):
    question = ask(learner, lesson)
    first = questions_services.answer(lecturer, question, "第一种做法：会员卡加积分。")
    second = questions_services.answer(staff, question, "第二种做法：储值加赠送。")
    client.force_login(lecturer)
    response = client.post(f"/en/questions/answers/{first.pk}/accept/")
    assert response.status_code == 404
    assert "Only the person who asked may accept an answer." in response.content.decode()
    client.force_login(learner)
    assert client.post(f"/en/questions/answers/{first.pk}/accept/").status_code == 302
    assert client.post(f"/en/questions/answers/{second.pk}/accept/").status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_accepted and second.is_accepted


# --- Votes and reports -------------------------------------------------------------------------


def test_me_too_is_one_vote_per_person_and_toggles(client, learner, lesson):
    question = ask(learner, lesson)
    reader = UserFactory()
    client.force_login(reader)
    client.post(f"/en/questions/{question.pk}/vote/")
    question.refresh_from_db()
    assert question.vote_count == 1 and QuestionVote.objects.count() == 1
    client.post(f"/en/questions/{question.pk}/vote/")
    question.refresh_from_db()
    assert question.vote_count == 0 and not QuestionVote.objects.exists()
    with pytest.raises(questions_services.QuestionRefused):
        questions_services.toggle_vote(learner, question)  # one's own question


def test_a_reader_reports_a_question_once(client, learner, lesson):
    question = ask(learner, lesson)
    client.force_login(UserFactory())
    for _ in range(2):
        response = client.post(f"/en/questions/{question.pk}/report/", {"reason": "广告"})
        assert response.status_code == 302
    question.refresh_from_db()
    assert question.report_count == 1
    assert QuestionReport.objects.get().reason == "广告"


def test_anonymous_readers_are_sent_to_log_in(client, learner, lesson):
    question = ask(learner, lesson)
    response = client.post(f"/en/questions/{question.pk}/vote/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_get_is_refused(member_client, learner, lesson):
    question = ask(learner, lesson)
    assert member_client.get(f"/en/questions/{question.pk}/vote/").status_code == 405


# --- Search and moderation ---------------------------------------------------------------------


def test_an_answered_question_is_found_by_a_traditional_query(learner, lesson, lecturer):
    question = ask(learner, lesson, title="会员积分如何设计？", body="我们的餐饮客户想做会员积分。")
    assert not search.search("會員積分").exists()  # not answered yet
    questions_services.answer(lecturer, question, "先定积分的获取和消耗规则，再做储值。")
    found = list(search.search("會員積分"))
    assert [doc.object_id for doc in found] == [question.pk]
    assert search.search("儲值").exists()  # the answer's words too
    result = search.present(found, "會員積分", "hant")[0]
    assert result.url.endswith(f"#question-{question.pk}")


def test_staff_hide_and_delete_take_questions_off_the_page_and_out_of_search(
    client, learner, lesson, lecturer
):
    question = ask(learner, lesson, title="会员积分如何设计？", body="我们的餐饮客户想做会员积分。")
    questions_services.answer(lecturer, question, "先定积分的获取和消耗规则。")
    questions_services.hide(question)
    assert not search.search("会员积分").exists()
    assert "会员积分如何设计？" not in client.get(en(lesson)).content.decode()
    client.force_login(learner)
    assert client.post(f"/en/questions/{question.pk}/vote/").status_code == 404
    questions_services.restore(question)
    assert search.search("会员积分").exists()
    questions_services.delete(question)
    assert not search.search("会员积分").exists()
    assert not Answer.objects.exists()


def test_a_hidden_question_leaves_the_page_anonymous_visitors_share_at_once(
    client, learner, lesson
):
    question = ask(learner, lesson, title="这条问题会被隐藏吗？", body="还没有人回答这条问题。")
    client.get(en(lesson))  # the first render makes the site's settings row: a content change
    client.get(en(lesson))
    stored = client.get(en(lesson))
    assert stored.headers.get("X-Page-Cache") == "hit"
    assert "这条问题会被隐藏吗？" in stored.content.decode()
    questions_services.hide(question)  # unanswered: no search document changes with it
    assert "这条问题会被隐藏吗？" not in client.get(en(lesson)).content.decode()
    questions_services.restore(question)
    assert "这条问题会被隐藏吗？" in client.get(en(lesson)).content.decode()


def test_staff_hide_and_delete_in_the_admin(client, learner, lesson, lecturer, staff):
    question = ask(learner, lesson, title="会员积分如何设计？", body="我们的餐饮客户想做会员积分。")
    questions_services.answer(lecturer, question, "先定积分的获取和消耗规则。")
    QuestionReport.objects.create(question=question, reporter=UserFactory(), reason="重复")
    Question.objects.filter(pk=question.pk).update(report_count=1)
    client.force_login(staff)
    listing = client.get("/admin/learner_questions/?reported=yes&status=published")
    assert listing.status_code == 200
    assert "会员积分如何设计？" in listing.content.decode()
    response = client.post(f"/admin/learner_questions/edit/{question.pk}/", {"status": "hidden"})
    assert response.status_code == 302
    assert Question.objects.get().status == Question.Status.HIDDEN
    assert not search.search("会员积分").exists()
    client.post(f"/admin/learner_questions/edit/{question.pk}/", {"status": "published"})
    assert search.search("会员积分").exists()
    response = client.post(f"/admin/learner_questions/delete/{question.pk}/")
    assert response.status_code == 302
    assert not Question.objects.exists()
    assert not search.search("会员积分").exists()


def test_a_learner_cannot_open_the_admin_listing(member_client, learner):
    assert member_client.get("/admin/learner_questions/").status_code in (302, 403)


# --- The lecturer's desk -----------------------------------------------------------------------


def test_the_desk_lists_unanswered_questions_on_the_lecturers_topics(
    client, learner, lesson, lecturer, other_lecturer, staff
):
    question = ask(learner, lesson)
    client.force_login(lecturer)
    page = client.get("/en/my-academy/").content.decode()
    assert "Questions waiting for your answer" in page
    assert question.title in page and f"#question-{question.pk}" in page
    client.force_login(other_lecturer)
    assert question.title not in client.get("/en/my-academy/").content.decode()
    questions_services.answer(staff, question, "学院先回答：请看第三课的示例。")
    client.force_login(lecturer)
    assert question.title not in client.get("/en/my-academy/").content.decode()


# --- Personal data -----------------------------------------------------------------------------


def test_my_data_lists_questions_and_closure_erases_them(learner, lesson, lecturer):
    from academy import personal_data

    question = ask(learner, lesson)
    answer = questions_services.answer(lecturer, question, "先定积分的获取和消耗规则。")
    other = ask(learner, lesson, title="第二个问题是什么？", body="另一个问题的详细说明。")
    questions_services.toggle_vote(lecturer, other)
    collected = {c.section.key: c.rows for c in personal_data.collect(lecturer)}
    assert [row["kind"] for row in collected["questions"]] == ["answer", "me too"]
    steps = []
    section = next(s for s in personal_data.sections() if s.key == "questions")
    section.erase(lecturer, log=lambda what, count: steps.append((what, count)))
    assert not Answer.objects.filter(pk=answer.pk).exists()
    question.refresh_from_db()
    assert question.answered_at is None  # waits for an answer again
    assert Question.objects.get(pk=other.pk).vote_count == 0
    section.erase(learner, log=lambda what, count: steps.append((what, count)))
    assert not Question.objects.exists()
    assert ("questions deleted with their answers", 2) in steps


# --- Query ceiling -----------------------------------------------------------------------------

LESSON_WITH_QUESTIONS_CEILING = 34


def _questions(lesson, count, lecturer):
    askers = [UserFactory() for _ in range(3)]
    for n in range(count):
        question = Question.objects.create(
            page=lesson,
            course=lesson.get_parent().specific,
            asker=askers[n % 3],
            title=f"问题{n}怎么办？",
            body="问题的详细说明。",
            answered_at="2026-01-01T00:00Z",
            vote_count=n,
        )
        Answer.objects.create(
            question=question, author=lecturer, body="回答的内容。", by_lecturer=True
        )


def test_the_lesson_page_costs_the_same_queries_for_many_questions(
    client, learner, lesson, lecturer, django_assert_max_num_queries
):
    client.force_login(learner)
    url = en(lesson)
    _questions(lesson, 3, lecturer)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _questions(lesson, 40, lecturer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('class="qa-item"') == 43
    assert len(few) == len(many), (len(few), len(many))
    client.force_login(lecturer)  # the answerer's view: answer forms under each question
    with django_assert_max_num_queries(LESSON_WITH_QUESTIONS_CEILING):
        assert client.get(url).status_code == 200


def test_a_vote_shows_at_once_although_the_questions_are_kept(client, learner, lesson):
    """The published questions are kept until content changes; a vote does not change content
    (a volatile row and a counter), so readers' counts and marks are read afresh."""
    first = ask(learner, lesson, title="第一个问题是什么？")
    second = ask(learner, lesson, title="第二个问题是什么？")
    Question.objects.filter(pk=first.pk).update(vote_count=1)  # first is listed first
    voter, reader = MembershipFactory().user, MembershipFactory().user
    services.enrol(voter, lesson.get_parent().specific)
    client.force_login(reader)
    html = client.get(en(lesson)).content.decode()
    assert html.index("第一个问题") < html.index("第二个问题")

    client.force_login(voter)
    for _ in range(2):  # two votes on the second question: now it leads
        questions_services.toggle_vote(UserFactory(), second)
    client.post(f"/en/questions/{second.pk}/vote/")
    html = client.get(en(lesson)).content.decode()
    assert html.index("第二个问题") < html.index("第一个问题")
    assert '<span class="qa-count">3</span>' in html
    assert 'aria-pressed="true"' in html  # the voter's own mark

    client.force_login(reader)
    html = client.get(en(lesson)).content.decode()
    assert html.index("第二个问题") < html.index("第一个问题")
    assert '<span class="qa-count">3</span>' in html
    assert 'aria-pressed="true"' not in html
