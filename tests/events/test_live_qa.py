"""Live Q&A at an event (極速問答): attendees ask and vote, staff answer and hide on the projector,
the answers are published on the event page after the event. Through the services and HTTP."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from academy import personal_data
from events import checkin, live_qa, live_qa_selectors
from events.models import LiveQuestion, LiveQuestionVote, Registration
from tests.events.factories import path_of
from tests.factories import UserFactory

Status = Registration.Status


def seat(user, event, status=Status.CONFIRMED) -> Registration:
    return Registration.objects.create(
        event=event,
        user=user,
        status=status,
        code=checkin.new_code(),
        confirmed_at=timezone.now() if status == Status.CONFIRMED else None,
    )


@pytest.fixture
def board_event(event_factory):
    return event_factory(live_qa=True)


@pytest.fixture
def attendees(board_event):
    people = [UserFactory() for _ in range(4)]
    for person in people:
        seat(person, board_event)
    return people


def board(event, language="en") -> str:
    return path_of(event, language) + "qa/"


def end(event):
    """Move the event into the past, as if it had taken place."""
    event.start = timezone.now() - timedelta(hours=5)
    event.end = timezone.now() - timedelta(hours=2)
    event.save(update_fields=["start", "end"])
    return event


# --- Asking -------------------------------------------------------------------------------------


def test_attendee_asks_from_the_phone_page(client, board_event, attendees):
    client.force_login(attendees[0])
    page = client.get(board(board_event))
    assert page.status_code == 200
    assert "Send my question" in page.content.decode()

    response = client.post(
        board(board_event), {"text": "  订单和库存  怎么和外卖平台打通？ ", "anonymous": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == board(board_event) + "#questions"
    question = LiveQuestion.objects.get(event=board_event)
    assert (question.author, question.text, question.anonymous) == (
        attendees[0],
        "订单和库存 怎么和外卖平台打通？",
        True,
    )


def test_the_same_question_sent_twice_is_kept_once(board_event, attendees):
    first = live_qa.ask(attendees[0], board_event, "会后可以拿到讲义吗？")
    again = live_qa.ask(attendees[0], board_event, "会后可以拿到讲义吗？")
    assert first.pk == again.pk
    assert LiveQuestion.objects.filter(event=board_event).count() == 1


@pytest.mark.parametrize("status", [None, Status.WAITLISTED, Status.CANCELLED])
def test_only_confirmed_attendees_may_ask(client, board_event, status):
    person = UserFactory()
    if status:
        seat(person, board_event, status=status)
    client.force_login(person)
    response = client.post(board(board_event), {"text": "我没有座位，可以提问吗？"})
    assert response.status_code == 403
    assert "Only attendees with a confirmed seat" in response.content.decode()
    assert not LiveQuestion.objects.exists()
    with pytest.raises(live_qa.NotAnAttendee):
        live_qa.ask(person, board_event, "我没有座位，可以提问吗？")


def test_visitors_are_sent_to_log_in_and_events_without_a_board_have_none(
    client, event, board_event
):
    response = client.get(board(board_event))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(board(event)).status_code == 404


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write your question first."),
        ("好？", "Write at least 5 characters."),
        ("问" * 301, "Keep your question under 300 characters (it has 301)."),
    ],
)
def test_bad_questions_are_a_400_with_the_reason(client, board_event, attendees, text, message):
    client.force_login(attendees[0])
    response = client.post(board(board_event), {"text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LiveQuestion.objects.exists()


def test_questions_are_rate_limited_per_person_and_keep_what_was_typed(
    client, board_event, attendees, settings
):
    settings.ACADEMY_RATE_LIMITS = {
        **settings.ACADEMY_RATE_LIMITS,
        "event_live_question": "2/m/user",
    }
    client.force_login(attendees[0])
    for n in range(2):
        assert (
            client.post(board(board_event), {"text": f"第 {n} 个问题：怎么对账？"}).status_code
            == 302
        )
    response = client.post(board(board_event), {"text": "第三个问题：退款怎么走？"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Wait a minute" in html and "第三个问题：退款怎么走？" in html
    assert LiveQuestion.objects.count() == 2
    # Per person, not per address: another attendee on the same Wi-Fi still asks.
    client.force_login(attendees[1])
    assert client.post(board(board_event), {"text": "另一个人的问题：分账？"}).status_code == 302


def test_a_closed_board_and_an_ended_event_take_no_questions(client, board_event, attendees, staff):
    live_qa.close_board(board_event, by=staff)
    client.force_login(attendees[0])
    response = client.post(board(board_event), {"text": "关闭以后还能问吗？"})
    assert response.status_code == 409
    assert "board is closed: it takes no more questions" in response.content.decode()

    live_qa.reopen_board(board_event, by=staff)
    assert client.post(board(board_event), {"text": "重新打开后能问吗？"}).status_code == 302

    end(board_event)
    with pytest.raises(live_qa.BoardClosed):
        live_qa.ask(attendees[0], board_event, "活动结束后还能问吗？")
    with pytest.raises(live_qa.BoardClosed):
        live_qa.reopen_board(board_event, by=staff)


# --- Voting -------------------------------------------------------------------------------------


def test_an_attendee_votes_once_for_a_question(client, board_event, attendees):
    question = live_qa.ask(attendees[0], board_event, "高峰期支付回调延迟怎么办？")
    client.force_login(attendees[1])
    vote_url = board(board_event) + f"{question.pk}/vote/"
    assert client.post(vote_url).status_code == 302
    again = client.post(vote_url, follow=True)
    assert "You have already voted for this question." in again.content.decode()
    assert LiveQuestionVote.objects.filter(question=question).count() == 1
    assert live_qa.vote(attendees[1], question) is False


def test_votes_refused_for_own_question_hidden_ones_and_non_attendees(
    client, board_event, attendees, staff
):
    question = live_qa.ask(attendees[0], board_event, "桌码是一桌一码吗？")
    client.force_login(attendees[0])
    response = client.post(board(board_event) + f"{question.pk}/vote/")
    assert response.status_code == 409
    assert "You cannot vote for your own question." in response.content.decode()

    client.force_login(UserFactory())
    assert client.post(board(board_event) + f"{question.pk}/vote/").status_code == 403

    question = live_qa.hide(question, by=staff)
    with pytest.raises(live_qa.QuestionHidden):
        live_qa.vote(attendees[1], question)
    assert client.get(board(board_event) + f"{question.pk}/vote/").status_code == 405
    assert not LiveQuestionVote.objects.exists()


def test_a_question_of_another_event_is_a_404(client, board_event, event_factory, attendees):
    other = event_factory(live_qa=True)
    seat(attendees[0], other)
    question = live_qa.ask(attendees[0], other, "另一场活动的问题")
    client.force_login(attendees[1])
    assert client.post(board(board_event) + f"{question.pk}/vote/").status_code == 404


# --- Projector ----------------------------------------------------------------------------------


def test_projector_orders_by_votes_then_time(staff_client, board_event, attendees):
    early = live_qa.ask(attendees[0], board_event, "最早的问题，一票")
    popular = live_qa.ask(attendees[1], board_event, "最受欢迎的问题，三票")
    late = live_qa.ask(attendees[2], board_event, "较晚的问题，一票")
    silent = live_qa.ask(attendees[3], board_event, "没有人投票的问题")
    for voter in attendees:
        if voter.pk != popular.author_id:
            live_qa.vote(voter, popular)
    live_qa.vote(attendees[3], early)
    live_qa.vote(attendees[3], late)

    response = staff_client.get(board(board_event) + "screen/")
    assert response.status_code == 200
    assert [q.pk for q in response.context["waiting"]] == [popular.pk, early.pk, late.pk, silent.pk]
    html = response.content.decode()
    assert html.index(popular.text) < html.index(early.text) < html.index(late.text)
    assert 'http-equiv="refresh"' in html and "live_qa_screen.js" in html


def test_projector_is_for_event_staff_only(client, board_event, attendees):
    client.force_login(attendees[0])
    assert client.get(board(board_event) + "screen/").status_code == 403
    assert client.get(board(board_event) + "screen/list/").status_code == 403
    client.logout()
    response = client.get(board(board_event) + "screen/list/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_projector_list_stays_within_a_query_ceiling(
    staff_client, board_event, attendees, django_assert_max_num_queries
):
    for n in range(40):
        question = live_qa.ask(attendees[n % 4], board_event, f"第 {n} 个问题：这个怎么做？")
        for voter in attendees[: n % 4]:
            if voter.pk != question.author_id:
                live_qa.vote(voter, question)
    url = board(board_event) + "screen/list/"
    staff_client.get(url)  # warm the session and the page tree's caches
    with django_assert_max_num_queries(18):  # the same for 4 questions: one list query
        response = staff_client.get(url)
    assert response.status_code == 200
    assert len(response.context["waiting"]) == 40
    assert "<html" not in response.content.decode()  # the fragment alone


def test_staff_mark_answered_with_a_short_answer(staff_client, staff, board_event, attendees):
    question = live_qa.ask(attendees[0], board_event, "能直接开电子发票吗？")
    url = board(board_event) + f"{question.pk}/answer/"
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, {"answer": ""}).status_code == 400
    too_long = staff_client.post(url, {"answer": "答" * 1001})
    assert too_long.status_code == 400
    assert "Keep the answer under 1000 characters" in too_long.content.decode()

    response = staff_client.post(url, {"answer": "可以，在支付成功页接入电子发票能力。"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.is_answered and question.answered_by == staff
    screen = staff_client.get(board(board_event) + "screen/")
    assert screen.context["waiting"] == []
    assert [q.pk for q in screen.context["answered"]] == [question.pk]


def test_attendees_cannot_answer_hide_or_close(client, board_event, attendees):
    question = live_qa.ask(attendees[0], board_event, "能直接开电子发票吗？")
    client.force_login(attendees[1])
    base = board(board_event)
    assert client.post(base + f"{question.pk}/answer/", {"answer": "可以"}).status_code == 403
    assert client.post(base + f"{question.pk}/hide/").status_code == 403
    assert client.post(base + "state/", {"action": "close"}).status_code == 403
    question.refresh_from_db()
    assert not question.is_answered and not question.is_hidden
    assert live_qa.is_open(board_event)


def test_hidden_questions_leave_the_board_and_can_come_back(staff_client, board_event, attendees):
    spam = live_qa.ask(attendees[0], board_event, "加我微信，低价代开发小程序！")
    kept = live_qa.ask(attendees[1], board_event, "分账比例可以动态设置吗？")
    assert staff_client.post(board(board_event) + f"{spam.pk}/hide/").status_code == 302

    screen = staff_client.get(board(board_event) + "screen/list/")
    assert [q.pk for q in screen.context["waiting"]] == [kept.pk]
    assert screen.context["hidden_count"] == 1
    hidden = staff_client.get(board(board_event) + "hidden/")
    assert spam.text in hidden.content.decode()

    client = Client()
    client.force_login(attendees[2])
    assert spam.text not in client.get(board(board_event)).content.decode()

    assert staff_client.post(board(board_event) + f"{spam.pk}/unhide/").status_code == 302
    assert spam.text in client.get(board(board_event)).content.decode()


def test_staff_close_and_reopen_the_board(staff_client, board_event):
    url = board(board_event) + "state/"
    assert staff_client.post(url, {"action": "close"}).status_code == 302
    assert live_qa_selectors.board_state(board_event) == "closed"
    assert staff_client.post(url, {"action": "open"}).status_code == 302
    assert live_qa_selectors.board_state(board_event) == "open"
    assert staff_client.post(url, {"action": "explode"}).status_code == 400


# --- After the event ----------------------------------------------------------------------------


def test_answered_questions_are_published_on_the_event_page_after_the_event(
    client, board_event, attendees, staff
):
    answered = live_qa.ask(attendees[0], board_event, "订单怎么和外卖平台打通？")
    anonymous = live_qa.ask(attendees[1], board_event, "桌码怎么换桌？", anonymous=True)
    unanswered = live_qa.ask(attendees[2], board_event, "还没有回答的问题")
    hidden = live_qa.ask(attendees[3], board_event, "回答后又被隐藏的问题")
    live_qa.vote(attendees[3], anonymous)
    for question, text in [
        (answered, "用平台的订单中心统一收单。"),
        (anonymous, "在收银端操作转台。"),
        (hidden, "不应出现的回答。"),
    ]:
        live_qa.answer(question, text, by=staff)
    live_qa.hide(hidden, by=staff)

    during = client.get(path_of(board_event, "en")).content.decode()
    assert "用平台的订单中心统一收单。" not in during  # not before the event has ended

    end(board_event)
    response = client.get(path_of(board_event, "en"))  # anyone, signed in or not
    html = response.content.decode()
    assert [q.pk for q in response.context["live_qa_published"]] == [anonymous.pk, answered.pk]
    assert "用平台的订单中心统一收单。" in html and "在收银端操作转台。" in html
    assert unanswered.text not in html and hidden.text not in html
    assert attendees[0].display_name in html
    assert attendees[1].display_name not in html  # asked anonymously
    for person in attendees:
        assert person.email not in html


def test_event_page_invites_attendees_and_staff_to_the_board(staff_client, board_event, attendees):
    staff_page = staff_client.get(path_of(board_event, "en")).content.decode()
    assert "qa/screen/" in staff_page
    client = Client()
    client.force_login(attendees[0])
    assert "Ask a question" in client.get(path_of(board_event, "en")).content.decode()
    client.force_login(UserFactory())
    assert "Ask a question" not in client.get(path_of(board_event, "en")).content.decode()


# --- Personal data ------------------------------------------------------------------------------


def test_my_data_lists_questions_and_votes_and_closure_keeps_answers_anonymous(
    board_event, attendees, staff
):
    answered = live_qa.ask(attendees[0], board_event, "订单怎么和外卖平台打通？")
    live_qa.ask(attendees[0], board_event, "还没有回答的问题")
    other = live_qa.ask(attendees[1], board_event, "别人的问题")
    live_qa.vote(attendees[0], other)
    live_qa.answer(answered, "用平台的订单中心统一收单。", by=staff)

    section = next(s for s in personal_data.sections() if s.key == "event_live_questions")
    rows = section.collect(attendees[0])
    assert {r.get("question") for r in rows} >= {answered.text, "还没有回答的问题"}
    assert any(r.get("voted for question") == other.pk for r in rows)
    assert other.text not in str(rows)  # the other asker's words are theirs

    log = []
    section.erase(attendees[0], log=lambda what, count: log.append((what, count)))
    assert ("unanswered live questions deleted", 1) in log
    assert list(LiveQuestion.objects.filter(author=attendees[0])) == [answered]
    answered.refresh_from_db()
    assert answered.anonymous and answered.shown_name == ""


@pytest.mark.parametrize("count", [3, 40])
def test_board_and_published_answers_stay_within_a_query_ceiling(
    client, board_event, attendees, staff, count, django_assert_max_num_queries
):
    for n in range(count):
        question = live_qa.ask(attendees[n % 3], board_event, f"第 {n} 个问题：这个怎么做？")
        live_qa.vote(attendees[3], question)
        live_qa.answer(question, f"第 {n} 个回答。", by=staff)
    client.force_login(attendees[3])
    client.get(board(board_event))
    # Routing, session, user and permissions take 17; the board's own (seat, state, questions
    # with their votes) stay the same for 3 questions or 40.
    with django_assert_max_num_queries(21):
        response = client.get(board(board_event))
    assert len(response.context["questions"]) == count

    end(board_event)
    client.get(path_of(board_event, "en"))
    # The event page's own queries plus one for the published questions, however many.
    with django_assert_max_num_queries(30):
        response = client.get(path_of(board_event, "en"))
    assert len(response.context["live_qa_published"]) == count
