"""Demo events for `seed_demo`: city workshops, a lecturer-led session, an open day, and one that
already took place with its attendance and ratings.

    from events import demo
    demo.seed(home_page, self.stdout)

Idempotent: pages are looked up by slug, people by e-mail; registrations are only added to an
event that has none. Dates are set relative to the first run, so the demo always has events
coming up in the following weeks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from academy.models import LecturerProfile

from . import checkin, demo_live_qa
from .models import (
    AttendanceChange,
    Audience,
    EventIndexPage,
    EventKind,
    EventLecturer,
    EventPage,
    Registration,
    SessionRating,
)

LECTURER_EMAIL = "lecturer@example.com"
TEACHING_TOPIC = "小程序电商"
MEMBER_EMAIL = "member@example.com"
STAFF_EMAIL = "events@example.com"

INDEX = {
    "title": "线下活动",
    "slug": "events",
    "intro": "城市工作坊、讲师面授课和服务商开放日：和同行面对面交流，把平台能力真正用起来。"
    "报名即时确认，满员自动进入候补，有人取消时按顺序递补。",
}

# Made-up attendees who fill the seats; they cannot log in (unusable passwords).
ATTENDEE_NAMES = [
    "张伟",
    "王芳",
    "李强",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄敏",
    "周杰",
    "吴婷",
    "徐涛",
    "孙丽",
    "胡斌",
    "朱琳",
    "高翔",
    "林峰",
    "何雪",
    "郭亮",
    "马超",
    "罗娟",
    "梁晨",
    "宋佳",
    "郑凯",
    "谢颖",
    "韩冰",
    "唐宁",
    "冯博",
    "于洁",
    "董浩",
    "萧然",
    "程远",
    "曹阳",
    "袁媛",
    "邓超",
    "许诺",
    "傅雷",
    "沈悦",
    "曾毅",
    "彭程",
    "吕方",
]


@dataclass
class DemoEvent:
    slug: str
    title: str
    kind: str
    city: str
    venue: str
    address: str
    days_from_now: int
    starts: time
    hours: float
    capacity: int
    summary: str
    description: str
    agenda: list[tuple[str, str, str]]
    audience: str = Audience.SIGNED_IN
    confirmed: int = 0
    waitlisted: int = 0
    claim_window_hours: int = 0
    lecturer: bool = False
    member_registered: bool = False
    past: bool = False
    ask: tuple[str, ...] = ("company", "role")
    extra: dict = field(default_factory=dict)


EVENTS = [
    DemoEvent(
        slug="payments-workshop-shanghai",
        title="小程序支付接入实战工作坊 · 上海",
        kind=EventKind.WORKSHOP,
        city="上海",
        venue="平台上海创新中心 3 楼报告厅",
        address="上海市徐汇区漕河泾开发区宜山路 1388 号",
        days_from_now=9,
        starts=time(13, 30),
        hours=4,
        capacity=40,
        confirmed=38,
        member_registered=True,
        summary="半天时间，从商户号申请、支付下单到退款对账，带你把一套完整的支付流程在沙箱里跑通。",
        description="<p>很多服务商第一次为商家接入支付时，卡在证书配置、回调验签和对账差异上。"
        "这场工作坊由平台支付产品团队和两位资深服务商共同带领，<b>请自带笔记本电脑</b>，"
        "现场在沙箱环境完成一次完整的下单、支付、退款与对账。</p>"
        "<h3>适合谁</h3><ul><li>刚完成入驻、准备第一次交付支付能力的服务商技术负责人</li>"
        "<li>希望降低支付失败率和客诉的交付团队</li></ul>",
        agenda=[
            ("13:30", "签到与环境检查", ""),
            ("14:00", "支付产品全景与接入方式选择", "平台支付产品团队"),
            ("14:40", "动手实验：下单、支付回调与验签", "陈思远"),
            ("15:40", "茶歇与交流", ""),
            ("16:00", "退款、分账与每日对账", "平台支付产品团队"),
            ("17:00", "答疑与合影", ""),
        ],
        lecturer=True,
    ),
    DemoEvent(
        slug="workplace-crm-beijing",
        title="企业微信客户运营与会话存档 · 北京",
        kind=EventKind.WORKSHOP,
        city="北京",
        venue="中关村创业大街 · 言几又会议空间",
        address="北京市海淀区海淀西大街 48 号",
        days_from_now=16,
        starts=time(14, 0),
        hours=3.5,
        capacity=24,
        confirmed=24,
        waitlisted=4,
        claim_window_hours=24,
        summary="小班研讨：用企业微信的客户联系、群发和会话存档能力，为商家搭一套合规的私域运营方案。",
        description="<p>本期名额 24 人，满员后可加入候补。有人取消时，候补第一位会收到邮件，"
        "并有 24 小时确认名额。</p><p>现场将拆解三个真实项目：连锁药房的会员复购、"
        "教培机构的家长群运营、汽车经销商的销售跟进。</p>",
        agenda=[
            ("14:00", "企业微信客户联系能力更新", "平台企业微信团队"),
            ("14:45", "案例拆解：连锁药房会员复购提升 27%", "北京企服云工具"),
            ("15:30", "会话存档的合规边界与技术实现", "平台法务与安全团队"),
            ("16:15", "分组讨论与方案点评", ""),
        ],
    ),
    DemoEvent(
        slug="brand-mall-session-shenzhen",
        title="讲师面授：品牌商城小程序从 0 到 1 · 深圳",
        kind=EventKind.LECTURER_SESSION,
        city="深圳",
        venue="南山科技园 · 腾讯滨海大厦旁 星河会议中心 A2",
        address="深圳市南山区科技中一路 19 号",
        days_from_now=23,
        starts=time(9, 30),
        hours=6,
        capacity=30,
        confirmed=11,
        lecturer=True,
        ask=("company", "role", "note"),
        summary="认证讲师陈思远带你完整走一遍品牌商城小程序的交付：需求梳理、商品与订单、会员和分销。",
        description="<p>一天的面授课，以一个真实的品牌商城项目为线索，讲清楚交付中最容易返工的环节。"
        "课程结束后，出勤的学员可以为本次课程评分，评分将计入讲师的认证评估。</p>",
        agenda=[
            ("09:30", "项目启动：和品牌方对齐目标与边界", "陈思远"),
            ("10:30", "商品、库存与订单模型设计", "陈思远"),
            ("12:00", "午餐", ""),
            ("13:30", "会员、积分与储值", "陈思远"),
            ("14:30", "分销与导购激励的常见坑", "陈思远"),
            ("15:15", "上线检查清单与答疑", "陈思远"),
        ],
    ),
    DemoEvent(
        slug="open-day-chengdu",
        title="服务商开放日 · 成都",
        kind=EventKind.OPEN_DAY,
        city="成都",
        venue="天府软件园 C 区 · 平台西南服务中心",
        address="成都市高新区天府大道中段 1268 号",
        days_from_now=30,
        starts=time(14, 0),
        hours=3,
        capacity=80,
        confirmed=17,
        audience=Audience.MEMBERS,
        ask=(),
        summary="走进平台西南服务中心：了解最新政策与激励计划，和运营同学一对一交流你的成长计划。",
        description="<p>开放日面向已入驻服务商的成员。现场设有政策咨询台、成长诊断台和案例展示区，"
        "可以带着你们团队的问题来。</p>",
        agenda=[
            ("14:00", "欢迎与西南地区生态数据分享", "平台西南运营团队"),
            ("14:30", "服务商激励计划与成长路径", "平台生态团队"),
            ("15:15", "自由交流：咨询台与案例展示区", ""),
        ],
    ),
    DemoEvent(
        slug="catering-delivery-workshop-hangzhou",
        title="讲师面授：餐饮扫码点餐交付实战 · 杭州",
        kind=EventKind.LECTURER_SESSION,
        city="杭州",
        venue="杭州未来科技城 · 梦想小镇互联网村 6 号楼",
        address="浙江省杭州市余杭区文一西路 1818 号",
        days_from_now=-20,
        starts=time(14, 0),
        hours=3,
        capacity=30,
        confirmed=26,
        lecturer=True,
        member_registered=True,
        past=True,
        summary="从一家门店跑通扫码点餐：桌码、菜单、支付与后厨打印，午市高峰下的稳定性保障。",
        description="<p>本期已结束，感谢 26 位学员参加。课件与回放已发送给出勤学员。</p>",
        agenda=[
            ("14:00", "餐饮门店的点单链路", "陈思远"),
            ("15:00", "高峰期的稳定性与降级方案", "陈思远"),
            ("16:00", "交付清单与答疑", "陈思远"),
        ],
    ),
]

COMMENTS = [
    (5, "案例很落地，回去就能用在客户项目上。"),
    (5, "讲得很清楚，高峰期降级方案特别有用。"),
    (4, "内容扎实，希望下次多留些答疑时间。"),
    (5, ""),
    (4, "节奏稍快，但干货很多。"),
]


def seed(home_page, stdout) -> EventIndexPage:
    """Create the demo events under `home_page` (once); returns the events listing."""
    with transaction.atomic():
        index = _index(home_page, stdout)
        lecturer = LecturerProfile.objects.filter(user__email=LECTURER_EMAIL).first()
        member = get_user_model().objects.filter(email=MEMBER_EMAIL).first()
        attendees = _attendees()
        for spec in EVENTS:
            event = _event(index, spec, lecturer, stdout)
            if not Registration.objects.filter(event=event).exists():
                _registrations(event, spec, attendees, member)
        demo_live_qa.seed(index, stdout)
    return index


def _index(home_page, stdout) -> EventIndexPage:
    index = EventIndexPage.objects.first()
    if index is None:
        index = EventIndexPage(**INDEX)
        home_page.add_child(instance=index)
        index.save_revision().publish()
        stdout.write("Created the events listing.\n")
    return index


def _attendees() -> list:
    User = get_user_model()
    people = []
    for n, name in enumerate(ATTENDEE_NAMES, start=1):
        email = f"attendee{n:02d}@example.com"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, username=f"attendee{n:02d}", display_name=name)
            user.set_unusable_password()
            user.save()
        people.append(user)
    return people


def _local(days: int, at: time) -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today + timedelta(days=days), at))


def _event(index: EventIndexPage, spec: DemoEvent, lecturer, stdout) -> EventPage:
    event = EventPage.objects.child_of(index).filter(slug=spec.slug).first()
    if event is not None:
        return event
    start = _local(spec.days_from_now, spec.starts)
    event = EventPage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        description=spec.description,
        agenda=[
            ("item", {"time": at, "item": item, "speaker": speaker})
            for at, item, speaker in spec.agenda
        ],
        kind=spec.kind,
        audience=spec.audience,
        city=spec.city,
        venue=spec.venue,
        address=spec.address,
        start=start,
        end=start + timedelta(hours=spec.hours),
        capacity=spec.capacity,
        signup_opens=start - timedelta(days=60),
        signup_closes=start - timedelta(hours=2),
        claim_window_hours=spec.claim_window_hours,
        ask_company="company" in spec.ask,
        ask_role="role" in spec.ask,
        ask_note="note" in spec.ask,
    )
    if spec.lecturer and lecturer is not None:
        # The demo programme (certification.demo_programmes) authorises this topic; its
        # certificate makes the demo lecturer authorised to teach these sessions.
        event.topic = TEACHING_TOPIC
        event.lecturer_links = [EventLecturer(lecturer=lecturer, topic=_topic(spec))]
    index.add_child(instance=event)
    event.save_revision().publish()
    stdout.write(f"Created event {spec.title}.\n")
    return event


def _topic(spec: DemoEvent) -> str:
    return {
        EventKind.LECTURER_SESSION: "主讲",
        EventKind.WORKSHOP: "动手实验带教",
    }.get(spec.kind, "")


def _registrations(event: EventPage, spec: DemoEvent, attendees: list, member) -> None:
    """What happened at the event so far: seats taken, people waiting, who came."""
    start = event.start
    signed_up = start - timedelta(days=25) if spec.past else timezone.now() - timedelta(days=6)
    people = list(attendees)
    if member is not None and spec.member_registered:
        people = [member, *people]
    confirmed, waiting = people[: spec.confirmed], people[spec.confirmed :][: spec.waitlisted]
    roles = ["技术负责人", "产品经理", "交付经理", "创始人", "前端工程师", "运营主管"]
    rows = []
    for n, user in enumerate(confirmed + waiting):
        membership = getattr(user, "membership", None)
        at = signed_up + timedelta(minutes=7 * n)
        is_confirmed = n < len(confirmed)
        rows.append(
            Registration(
                event=event,
                user=user,
                status=Registration.Status.CONFIRMED
                if is_confirmed
                else Registration.Status.WAITLISTED,
                code=checkin.new_code(),
                created_at=at,
                confirmed_at=at if is_confirmed else None,
                company=membership.provider.name if membership else "",
                job_role=roles[n % len(roles)] if event.ask_role else "",
                language="zh-hans",
            )
        )
    Registration.objects.bulk_create(rows)
    if spec.past:
        _attendance(event, start)


def _attendance(event: EventPage, start: datetime) -> None:
    """Who came, as the door and the event staff recorded it: most were checked in inside the
    check-in window (the half hour before the start), the rest marked by staff after the event;
    each step is in the attendance audit trail."""
    staff = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    staff_name = str(staff) if staff else ""
    recorded_at = start + timedelta(hours=4)
    registrations = list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("user")
        .order_by("pk")
    )
    trail = []
    for n, registration in enumerate(registrations):
        if n % 9 == 8:
            registration.attendance = Registration.Attendance.NO_SHOW
        elif n % 11 == 5:
            registration.attendance = Registration.Attendance.PARTIAL
        else:
            registration.attendance = Registration.Attendance.ATTENDED
            registration.checked_in_at = start - timedelta(minutes=25) + timedelta(seconds=40 * n)
            registration.checked_in_by = staff
        action = (
            AttendanceChange.Action.CHECKED_IN
            if registration.checked_in_at
            else AttendanceChange.Action.RECORDED
        )
        at = registration.checked_in_at or recorded_at
        registration.attendance_recorded_at = at
        registration.attendance_recorded_by = staff
        trail.append(
            AttendanceChange(
                registration=registration,
                action=action,
                attendance_after=registration.attendance,
                by=staff,
                by_name=staff_name,
                at=at,
            )
        )
    Registration.objects.bulk_update(
        registrations,
        [
            "attendance",
            "checked_in_at",
            "checked_in_by",
            "attendance_recorded_at",
            "attendance_recorded_by",
        ],
    )
    AttendanceChange.objects.bulk_create(trail)
    EventPage.objects.filter(pk=event.pk).update(attendance_closed_at=recorded_at)
    rated = [
        r
        for r in registrations
        if r.attendance == Registration.Attendance.ATTENDED and r.user.email != MEMBER_EMAIL
    ]
    SessionRating.objects.bulk_create(
        SessionRating(
            registration=registration,
            score=COMMENTS[n % len(COMMENTS)][0],
            comment=COMMENTS[n % len(COMMENTS)][1],
            created_at=start + timedelta(hours=6, minutes=n),
            updated_at=start + timedelta(hours=6, minutes=n),
        )
        for n, registration in enumerate(rated[:14])
    )
