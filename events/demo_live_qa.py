"""Demo live Q&A (極速問答) for `seed_demo`: the past Hangzhou session's board, answered and
published on its page, and a board open on the coming Shanghai workshop with a few questions
sent ahead, for the demo member to vote on.

Idempotent: a board is switched on (with a new revision) only if it is off, and questions are
added only to a board that has none.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model

from .models import EventPage, LiveQuestion, LiveQuestionVote, Registration

PAST_EVENT = "catering-delivery-workshop-hangzhou"
COMING_EVENT = "payments-workshop-shanghai"
STAFF_EMAIL = "events@example.com"
MEMBER_EMAIL = "member@example.com"

# (question, votes, anonymous, answer or "" for not answered, hidden)
PAST_QUESTIONS = [
    (
        "门店已经在外卖平台上接单了，再做扫码点餐小程序，订单和库存怎么和外卖平台打通？",
        14,
        False,
        "用平台的订单中心统一收单：外卖和堂食订单都进同一个订单池，库存按 SKU 在门店系统扣减。"
        "课件第 23 页有对接时序图，两个渠道的沽清状态 5 秒内同步。",
        False,
    ),
    (
        "午市高峰支付回调延迟，顾客已经付了钱后厨却没收到单，有什么兜底方案？",
        11,
        False,
        "后厨打印不要只等回调：下单即打印「待支付」小票，回调到达后补打「已支付」；"
        "超过 30 秒未回调就主动查单。降级方案见讲义「高峰期的稳定性」一节。",
        False,
    ),
    (
        "桌码是一桌一码还是一店一码？换桌的时候怎么处理？",
        8,
        True,
        "建议一桌一码，码里只带门店和桌号，不带订单。换桌在收银端操作「转台」，"
        "订单跟着桌号走，顾客不用重新扫码。",
        False,
    ),
    (
        "多门店连锁的菜单，总部统一管还是门店自己改？",
        6,
        False,
        "总部维护菜品库和价格带，门店只能在价格带内调价、设置沽清和时段菜单。"
        "这样既统一又留有灵活度。",
        False,
    ),
    (
        "小程序点餐能不能直接开电子发票？",
        3,
        False,
        "可以，在支付成功页接入电子发票能力，顾客填写抬头后由门店的开票系统出票。",
        False,
    ),
    ("加我微信，低价代开发各类小程序！", 0, False, "", True),
    ("会后可以拿到讲义的 PDF 吗？", 2, True, "", False),
]

COMING_QUESTIONS = [
    ("证书配置总是报签名错误，现场能帮忙排查吗？", 5, False),
    ("服务商模式和普通商户模式的退款流程有什么区别？", 3, True),
    ("分账比例可以按订单动态设置吗？", 1, False),
]


def seed(index, stdout) -> None:
    """Switch the boards on and fill them (once)."""
    staff = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    past = _board(index, PAST_EVENT, stdout)
    if past is not None and not LiveQuestion.objects.filter(event=past).exists():
        _past_questions(past, staff)
        stdout.write("Added the live Q&A of the Hangzhou session.\n")
    coming = _board(index, COMING_EVENT, stdout)
    if coming is not None and not LiveQuestion.objects.filter(event=coming).exists():
        _coming_questions(coming)
        stdout.write("Added questions sent ahead to the Shanghai workshop's board.\n")


def _board(index, slug: str, stdout) -> EventPage | None:
    event = EventPage.objects.child_of(index).filter(slug=slug).first()
    if event is not None and not event.live_qa:
        event.live_qa = True
        event.save_revision().publish()
        stdout.write(f"Switched on the live Q&A board of {event.title}.\n")
    return event


def _attendees(event: EventPage) -> list:
    """The event's confirmed attendees, the demo member last (they vote rather than ask)."""
    people = [
        r.user
        for r in Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("user")
        .order_by("pk")
    ]
    return sorted(people, key=lambda user: user.email == MEMBER_EMAIL)


def _past_questions(event: EventPage, staff) -> None:
    people = _attendees(event)
    if len(people) < 2:
        return
    asked = event.start - timedelta(days=2)
    votes = []
    for n, (text, vote_count, anonymous, answer, hidden) in enumerate(PAST_QUESTIONS):
        author = people[n % len(people)]
        at = asked + timedelta(hours=n * 7) if n < 3 else event.start + timedelta(minutes=20 * n)
        question = LiveQuestion.objects.create(
            event=event,
            author=author,
            text=text,
            anonymous=anonymous,
            created_at=at,
            answer=answer,
            answered_at=event.start + timedelta(minutes=150 + 4 * n) if answer else None,
            answered_by=staff if answer else None,
            hidden_at=event.start + timedelta(minutes=30) if hidden else None,
            hidden_by=staff if hidden else None,
        )
        voters = [p for p in people if p.pk != author.pk][:vote_count]
        votes += [
            LiveQuestionVote(question=question, user=voter, created_at=at + timedelta(minutes=m))
            for m, voter in enumerate(voters, start=1)
        ]
    LiveQuestionVote.objects.bulk_create(votes)


def _coming_questions(event: EventPage) -> None:
    people = [p for p in _attendees(event) if p.email != MEMBER_EMAIL]
    if len(people) < 2:
        return
    votes = []
    for n, (text, vote_count, anonymous) in enumerate(COMING_QUESTIONS):
        author = people[n]
        question = LiveQuestion.objects.create(
            event=event, author=author, text=text, anonymous=anonymous
        )
        voters = [p for p in people if p.pk != author.pk][:vote_count]
        votes += [LiveQuestionVote(question=question, user=voter) for voter in voters]
    LiveQuestionVote.objects.bulk_create(votes)
