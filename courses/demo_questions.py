"""Demo questions for `seed_demo`: learners ask under a lesson and a case study, the demo
lecturer (陈思远, certified for 小程序电商 by certification's demo) answers, the askers accept.

Runs after certification's demo, which gives the lecturer the certificate that authorises the
topic. Idempotent: courses keep a topic staff chose, and a question is looked up by its page,
asker and title before it is asked.
"""

from __future__ import annotations

from academy.localisation import originals
from academy.models import User

from . import questions_services, services
from .models import CaseStudyPage, CoursePage, LessonPage, Question

LECTURER_EMAIL = "lecturer@example.com"
# The programme topics (certification/demo_programmes.py) the demo courses are taught under.
COURSE_TOPICS = {
    "mini-program-ecommerce-basics": "小程序电商",
    "wechat-pay-merchant-onboarding": "微信支付",
}
QUESTIONS = [
    {
        "page": "why-mini-program-commerce",
        "asker": "member@example.com",
        "title": "餐厅已经在外卖平台上卖了，还值得做自己的小程序吗？",
        "body": "我们有一家连锁餐饮客户，外卖平台的订单占了一半。老板担心做小程序会和平台冲突，"
        "也不知道小程序能带来什么平台给不了的东西。应该怎么跟他讲？",
        "answer": "不冲突，两者分工不同。外卖平台负责新客和配送，小程序负责老客：用会员卡、积分和储值"
        "把到店和外卖的熟客沉淀下来，复购时走小程序，佣金省下来就是利润。建议先做「扫码点餐 + 会员」"
        "两件事，第一个月看复购率和储值金额，再决定要不要做小程序外卖。",
        "accept": True,
    },
    {
        "page": "registration-and-categories",
        "asker": "member@example.com",
        "title": "商家同时卖食品和日用品，服务类目怎么选？",
        "body": "客户是社区便利店，既卖预包装食品也卖日用百货，提交审核时应该选一个类目还是都选？"
        "食品类目需要哪些资质？",
        "answer": None,
        "accept": False,
    },
    {
        "page": "tea-chain-ordering-hangzhou",
        "asker": "owner@example.com",
        "title": "门店扫码点餐上线后，怎么让店员愿意推？",
        "body": "我们给一家茶饮连锁做了扫码点餐，但门店店员还是习惯收银台点单，扫码率一直上不去。"
        "案例里的品牌是怎么做的？",
        "answer": "案例里的品牌做了两件事：一是把扫码点单计入店员的绩效（按门店扫码率发小奖励），"
        "二是让扫码点单的顾客自动成为会员并送一张第二杯半价券，店员推的时候有话可说。"
        "先在两家门店试两周，用数据说服其他门店。",
        "accept": True,
    },
]


def seed(stdout=None) -> None:
    lecturer = User.objects.filter(email=LECTURER_EMAIL).first()
    for slug, topic in COURSE_TOPICS.items():
        course = originals(CoursePage.objects.filter(slug=slug)).first()
        if course is not None and not course.teaching_topic:
            course.teaching_topic = topic
            course.save_revision().publish()
    for spec in QUESTIONS:
        # The originals: English versions (academy/demo_english.py) share their slugs.
        page = (
            originals(LessonPage.objects.filter(slug=spec["page"])).first()
            or originals(CaseStudyPage.objects.filter(slug=spec["page"])).first()
        )
        asker = User.objects.filter(email=spec["asker"]).first()
        if page is None or asker is None:
            continue
        if Question.objects.filter(page=page, asker=asker, title=spec["title"]).exists():
            continue
        if isinstance(page, LessonPage):
            course = questions_services.course_of(page)
            if course is not None:
                services.enrol(asker, course)
        question = questions_services.ask(
            asker, page, title=spec["title"], body=spec["body"], language="zh-hans"
        )
        if spec["answer"] and lecturer is not None:
            answer = questions_services.answer(lecturer, question, spec["answer"])
            if spec["accept"]:
                questions_services.accept(asker, answer)
        if stdout is not None:
            stdout.write(f"Asked “{question.title}”.\n")
