"""Demo growth data for `seed_demo`: the diagnosis questionnaire, twenty-odd providers across the
five largest industries and four stages (several with two diagnoses, so the history and the
stage-movement report have something to show), and a team with progress for the demo provider
admin (owner@example.com).

Idempotent like the rest of seed_demo: looked up by natural keys, created only when missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from academy.models import GrowthStage, Industry, Membership, Provider
from certification.demo_exams import take_exam
from certification.models import Exam, Programme
from certification.services.issuing import award_certificate
from courses import demo as courses_demo
from courses.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    CoursePage,
    Enrollment,
    LearningPath,
    LearningPathCourse,
    LessonPage,
    LessonProgress,
    Product,
)
from courses.services import LearningError, enrol, mark_lesson_complete
from events.models import EventPage, Registration

from .models import DIRECTIONS, Diagnosis, DirectionThreshold, Questionnaire
from .services.diagnosis import complete_diagnosis, save_answers, score, start_diagnosis

OWNER_COMPANY = "杭州云栈科技有限公司"

ANSWERS = ["还没有", "刚起步", "已有基本做法", "成熟并持续优化"]
POINTS = [0, 3, 6, 10]

QUESTIONS = {
    GrowthStage.CREATE: [
        ("是否已完成服务商入驻与主体资质认证？", "包括服务商账号、开发者资质与结算账户。"),
        ("是否已为商家独立交付并上线过小程序？", ""),
        ("是否有稳定的首批付费商家（10 家以上）？", ""),
    ],
    GrowthStage.CAPABILITY: [
        ("团队能否独立完成支付、退款与分账接入？", ""),
        ("是否提供会员、储值、营销等产品能力？", ""),
        ("团队中是否有通过学院认证的讲师或工程师？", ""),
    ],
    GrowthStage.OPERATIONS: [
        ("是否有标准化的交付清单与实施周期？", "例如从签约到上线的步骤、负责人和时限。"),
        ("是否有售后支持流程与响应时限？", ""),
        ("是否定期向商家汇报经营数据与效果？", ""),
    ],
    GrowthStage.EXPANSION: [
        ("是否已把成熟方案复制到相邻行业？", ""),
        ("是否在两个以上城市或区域服务商家？", ""),
        ("是否与平台或其他服务商建立了合作伙伴关系？", ""),
    ],
}

KEYWORDS = {
    GrowthStage.CREATE: "开放日, 入门, 上线",
    GrowthStage.CAPABILITY: "支付, 会员, 商城",
    GrowthStage.OPERATIONS: "交付, 运营, 会话存档",
    GrowthStage.EXPANSION: "拓展, 开放日",
}

# name, city, industry slugs, stage, two diagnoses?
PROVIDERS = [
    ("杭州茶语数字科技有限公司", "杭州", ["catering"], GrowthStage.OPERATIONS, True),
    ("上海鲜到家生活服务有限公司", "上海", ["local-services"], GrowthStage.CAPABILITY, True),
    ("北京智店云科技有限公司", "北京", ["self-operated"], GrowthStage.EXPANSION, True),
    ("广州粤食通信息技术有限公司", "广州", ["catering"], GrowthStage.CREATE, False),
    ("深圳好工具软件有限公司", "深圳", ["tools"], GrowthStage.OPERATIONS, False),
    ("成都蓉城商服科技有限公司", "成都", ["business-services"], GrowthStage.CAPABILITY, True),
    ("武汉江城到家科技有限公司", "武汉", ["local-services"], GrowthStage.CREATE, False),
    ("南京金陵零售云有限公司", "南京", ["self-operated"], GrowthStage.CAPABILITY, False),
    ("西安古都餐饮科技有限公司", "西安", ["catering"], GrowthStage.CAPABILITY, False),
    ("苏州园林企服有限公司", "苏州", ["business-services"], GrowthStage.OPERATIONS, True),
    ("厦门鹭岛工具科技有限公司", "厦门", ["tools"], GrowthStage.CREATE, False),
    ("重庆山城生活服务科技有限公司", "重庆", ["local-services"], GrowthStage.EXPANSION, False),
    ("杭州西湖自营电商服务有限公司", "杭州", ["self-operated"], GrowthStage.OPERATIONS, False),
    ("上海浦江商务云有限公司", "上海", ["business-services"], GrowthStage.EXPANSION, False),
    ("北京燕京效率工具有限公司", "北京", ["tools"], GrowthStage.CAPABILITY, False),
    ("广州羊城家政数字化有限公司", "广州", ["local-services"], GrowthStage.OPERATIONS, False),
]

TEAM = [
    ("zhao.lei@example.com", "赵磊", 2, True),
    ("qian.yu@example.com", "钱瑜", 1, False),
    ("sun.jie@example.com", "孙杰", 3, True),
    ("zhou.min@example.com", "周敏", 0, False),
]


# The courses demo has paths for the first two stages; the diagnosis recommends the next
# stage's path, so the later stages get one each from the demo courses of that stage.
PATHS = [
    (
        "operations-delivery-and-service",
        "运营提效：交付与客户运营",
        GrowthStage.OPERATIONS,
        "把交付做成标准流程，用企业微信把商家的客户运营起来。",
        ["wecom-customer-operations", "wechat-pay-merchant-onboarding"],
    ),
    (
        "expansion-new-industries",
        "业务拓展：把成熟方案复制到新行业",
        GrowthStage.EXPANSION,
        "以餐饮点餐为例，学习如何把一个行业的成熟方案带到相邻行业与新城市。",
        ["restaurant-qr-ordering", "wecom-customer-operations"],
    ),
]


# The catering benchmark the demo owner's result shows beside the Hong Kong and Chengdu cases (its
# own tea-chain case is not a benchmark for it): by a catering provider one stage ahead. Written
# like a case of demo/courses/cases.yaml.
CATERING_CASE = {
    "slug": "tea-membership-stored-value-hangzhou",
    "title": "茶饮连锁的会员储值：把一次性顾客变成常客",
    "merchant": "一叶茶坊",
    "provider": "杭州茶语数字科技有限公司",
    "industry": "tea-drinks",
    "city": "杭州",
    "products": ["mini-program", "payments"],
    "summary": "30 家门店的茶饮连锁用小程序会员、储值和标准化交付清单，把会员复购做成每周的运营节奏。",
    "metrics": [
        {"label": "储值会员占比", "value": "41", "unit": "%"},
        {"label": "门店上线周期", "value": "-50", "unit": "%"},
    ],
    "challenge": "<p>一叶茶坊新开门店多，每家店上线会员功能都要重新培训，顾客办了卡却很少回来。</p>",
    "solution": "<p>杭州茶语用同一份交付清单在两周内为每家门店上线点单、会员与储值，"
    "每周向品牌汇报储值余额、复购和沉睡会员，并按数据安排唤醒活动。</p>",
    "results": "<p>半年后储值会员占到会员总数的 41%，新门店的上线周期缩短一半。</p>",
}


def seed(home_page, stdout) -> None:
    with transaction.atomic():
        seed_paths(stdout)
        seed_catering_case(stdout)
        questionnaire = seed_questionnaire(stdout)
        providers = seed_providers(stdout)
        seed_diagnoses(questionnaire, providers, stdout)
        seed_team(stdout)
        seed_assignments(stdout)


def seed_later_providers(stdout) -> None:
    """Diagnoses for companies a later demo step added (the showcase's), so that a second run of
    seed_demo finds nothing left to add."""
    with transaction.atomic():
        seed_diagnoses(seed_questionnaire(stdout), seed_providers(stdout), stdout)


def seed_paths(stdout) -> None:
    for slug, title, stage, intro, course_slugs in PATHS:
        if LearningPath.objects.filter(slug=slug).exists():
            continue
        courses = {c.slug: c for c in CoursePage.objects.filter(slug__in=course_slugs)}
        if not courses:
            continue
        path = LearningPath.objects.create(
            title=title, slug=slug, growth_stage=stage, intro=intro, sort_order=10
        )
        for order, course_slug in enumerate(s for s in course_slugs if s in courses):
            LearningPathCourse.objects.create(
                path=path, course=courses[course_slug], sort_order=order
            )
        stdout.write(f"Created learning path {title}.\n")


def seed_catering_case(stdout) -> None:
    listing = CaseStudyIndexPage.objects.first()
    if listing is None or CaseStudyPage.objects.filter(slug=CATERING_CASE["slug"]).exists():
        return
    # The provider exists before its case names it: seed_providers runs after this.
    name, city, slugs, stage, _twice = next(
        p for p in PROVIDERS if p[0] == CATERING_CASE["provider"]
    )
    provider, created = Provider.objects.get_or_create(
        name=name, defaults={"city": city, "growth_stage": stage}
    )
    if created:
        provider.industries.set(Industry.objects.filter(slug__in=slugs))
    industries = {i.slug: i for i in Industry.objects.all()}
    products = {p.slug: p for p in Product.objects.all()}
    courses_demo.add_case(listing, CATERING_CASE, industries, products, stdout)


def seed_questionnaire(stdout) -> Questionnaire:
    existing = Questionnaire.objects.filter(active=True).first()
    if existing is not None:
        return existing
    questionnaire = Questionnaire(
        title="服务商成长阶段诊断",
        intro="12 个问题，覆盖创建、能力、运营、业务拓展四个方向，约 10 分钟。",
        questions=[
            (
                "question",
                {
                    "direction": direction.value,
                    "text": text,
                    "help_text": help_text,
                    "answers": [
                        {"label": label, "points": points}
                        for label, points in zip(ANSWERS, POINTS, strict=True)
                    ],
                },
            )
            for direction, items in QUESTIONS.items()
            for text, help_text in items
        ],
        capability_from=30,
        operations_from=55,
        expansion_from=80,
    )
    questionnaire.save()
    for order, direction in enumerate(DIRECTIONS):
        DirectionThreshold.objects.create(
            questionnaire=questionnaire,
            direction=direction,
            developing_from=35,
            established_from=70,
            event_keywords=KEYWORDS[GrowthStage(direction)],
            sort_order=order,
        )
    stdout.write("Created the growth diagnosis questionnaire.\n")
    return questionnaire


def seed_providers(stdout) -> list[tuple[Provider, bool]]:
    industries = {i.slug: i for i in Industry.objects.all()}
    result = []
    for name, city, slugs, stage, twice in PROVIDERS:
        provider, created = Provider.objects.get_or_create(
            name=name, defaults={"city": city, "growth_stage": stage}
        )
        if created:
            provider.industries.set([industries[s] for s in slugs if s in industries])
        result.append((provider, twice))
    owner_company = Provider.objects.filter(name=OWNER_COMPANY).first()
    if owner_company is not None:
        result.append((owner_company, True))
    for provider in Provider.objects.exclude(pk__in=[p.pk for p, _ in result]):
        result.append((provider, False))
    return result


def _answers(diagnosis: Diagnosis, stage: str, n: int) -> dict[str, int]:
    """Answers that place the provider at `stage`, stronger in one direction and weaker in
    another (which ones rotates with `n`), so the demo charts differ."""
    base = GrowthStage.values.index(stage)
    strong, weak = DIRECTIONS[n % 4], DIRECTIONS[(n + 2) % 4]
    answers = {}
    for question in diagnosis.questions:
        shift = 1 if question["direction"] == strong else -1 if question["direction"] == weak else 0
        answers[question["id"]] = max(0, min(3, base + shift))
    if score(diagnosis.snapshot, answers)[2] != stage:
        answers = {q["id"]: base for q in diagnosis.questions}
    return answers


def _take(provider: Provider, stage: str, n: int, days_ago: int, by) -> None:
    diagnosis = start_diagnosis(by, provider)
    save_answers(diagnosis, _answers(diagnosis, stage, n), by=by)
    diagnosis = complete_diagnosis(diagnosis, by=by)
    when = timezone.now() - timedelta(days=days_ago)
    Diagnosis.objects.filter(pk=diagnosis.pk).update(
        started_at=when - timedelta(minutes=12), completed_at=when
    )


def seed_diagnoses(questionnaire, providers, stdout) -> None:
    created = 0
    # Only a company's administrators (or staff who may set stages) record a diagnosis: most demo
    # companies have no people, so the academy's superuser records their history.
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    for n, (provider, twice) in enumerate(providers):
        if Diagnosis.objects.filter(provider=provider).exists():
            continue
        admin = (
            Membership.objects.filter(provider=provider, role=Membership.Role.ADMIN)
            .select_related("user")
            .first()
        )
        by = admin.user if admin else staff
        if by is None:
            continue
        stage = provider.growth_stage
        if twice:
            earlier = GrowthStage.values[max(0, GrowthStage.values.index(stage) - 1)]
            _take(provider, earlier, n + 1, 120, by)
        _take(provider, stage, n, 14, by)
        created += 1
    if created:
        stdout.write(f"Created diagnoses for {created} providers.\n")


def seed_team(stdout) -> None:
    """Colleagues for the demo provider admin, with courses, exams, certificates and events."""
    provider = Provider.objects.filter(name=OWNER_COMPANY).first()
    if provider is None:
        return
    User = get_user_model()
    courses = list(CoursePage.objects.live().order_by("path")[:3])
    past_events = list(EventPage.objects.live().filter(start__lt=timezone.now()).order_by("start"))
    exam = Exam.objects.order_by("pk").first() or Exam.objects.create(
        title="小程序支付接入认证考试", slug="payments-integration-exam", pass_mark=70
    )
    programme = Programme.objects.order_by("pk").first() or Programme.objects.create(
        title="认证讲师 · 小程序支付", slug="certified-lecturer-payments"
    )
    if User.objects.filter(email=TEAM[0][0]).exists():
        return
    officer = User.objects.filter(is_superuser=True).order_by("pk").first()
    for n, (email, name, courses_done, certified) in enumerate(TEAM):
        user = User(email=email, username=email.split("@")[0], display_name=name)
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, provider=provider, role=Membership.Role.MEMBER)
        for index, course in enumerate(courses[: courses_done + 1]):
            try:
                enrol(user, course)
            except LearningError:  # a prerequisite not done: this colleague stops here
                break
            lessons = list(LessonPage.objects.live().child_of(course).order_by("path"))
            # Finished courses have every lesson done; the next one is half done.
            upto = len(lessons) if index < courses_done else len(lessons) // 2
            for lesson in lessons[:upto]:
                try:
                    mark_lesson_complete(user, lesson)
                except LearningError:
                    # A lesson that completes by its knowledge check: the demo records a pass.
                    LessonProgress.objects.update_or_create(
                        user=user,
                        lesson=lesson,
                        defaults={"completed_at": timezone.now(), "check_score": 100},
                    )
            if index < courses_done:
                # Spread the demo's learning over past weeks, so durations differ.
                enrolled = timezone.now() - timedelta(days=40 - 7 * n - 3 * index)
                Enrollment.objects.filter(user=user, course=course).update(
                    enrolled_at=enrolled,
                    completed_at=enrolled + timedelta(days=3 + 4 * n + index),
                )
        share = [0.85, 0.65, 0.9, 0.6][n]
        take_exam(
            user,
            exam,
            lambda position, share=share: position < share * exam.question_count,
            seed=n,
            days_ago=10 - n,
        )
        if certified:
            # Through the officers' award path: a real serial, a signed PDF, an audit entry.
            award_certificate(
                user,
                programme,
                by=officer,
                reason="演示数据：团队成员已通过线下评审",
                notify=False,
            )
        for k, event in enumerate(past_events[: n + 1]):
            Registration.objects.create(
                event=event,
                user=user,
                status=Registration.Status.CONFIRMED,
                code=f"GRD{n}{k:04d}",
                confirmed_at=event.start - timedelta(days=7),
                attendance=Registration.Attendance.ATTENDED
                if (n + k) % 3
                else Registration.Attendance.NO_SHOW,
            )
    stdout.write("Demo provider team ready (owner@example.com → Team).\n")


def seed_assignments(stdout) -> None:
    """The owner's learning assignments: a path for the whole team due in ten days, and a course
    for the demo member already overdue (the team page and her My academy show it)."""
    from .team_models import Assignment

    provider = Provider.objects.filter(name=OWNER_COMPANY).first()
    owner = Membership.objects.filter(provider=provider, role=Membership.Role.ADMIN).first()
    if provider is None or owner is None or Assignment.objects.filter(provider=provider).exists():
        return
    today = timezone.localdate()
    path = LearningPath.objects.filter(growth_stage=GrowthStage.CAPABILITY).first()
    if path is not None:
        Assignment.objects.create(
            provider=provider,
            path=path,
            due_on=today + timedelta(days=10),
            assigned_by=owner.user,
        )
    # The demo member who can sign in (seed_demo's member@example.com).
    colleague = Membership.objects.filter(
        provider=provider, user__email="member@example.com"
    ).first()
    course = CoursePage.objects.live().order_by("path").first()
    if colleague is not None and course is not None:
        Assignment.objects.create(
            provider=provider,
            user=colleague.user,
            course=course,
            due_on=today - timedelta(days=2),
            assigned_by=owner.user,
            created_at=timezone.now() - timedelta(days=20),
        )
    stdout.write("Demo team assignments ready (member@example.com has one overdue).\n")
