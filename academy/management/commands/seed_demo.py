"""Demo content for `make run`: the academy as a newcomer should first see it.

Idempotent: everything is looked up by a natural key (e-mail, company name, page slug) and only
created when missing, so a second run changes nothing and content staff edited is left alone.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from wagtail.models import Locale, Page, Site

from academy import demo_english, demo_privacy, roles, services
from academy.models import (
    FooterText,
    GrowthStage,
    HomePage,
    Industry,
    JoinRequest,
    LecturerProfile,
    Membership,
    Provider,
    SiteSettings,
    StandardPage,
    User,
)
from certification import demo_exams as certification_demo_exams
from certification import demo_programmes as certification_demo
from courses import demo as courses_demo
from courses import demo_questions as courses_demo_questions
from events import demo as events_demo
from growth import demo as growth_demo
from showcase import demo as showcase_demo

DEMO_PASSWORD = "Academy#2026"


@dataclass
class DemoUser:
    email: str
    name: str
    role: str
    group: str | None = None
    provider: str | None = None
    membership_role: str = Membership.Role.MEMBER
    lecturer: dict | None = None
    superuser: bool = False
    asks_to_join: str | None = None  # a company whose administrators have yet to decide


PROVIDERS = [
    (
        "杭州云栈科技有限公司",
        "杭州",
        ["catering", "self-operated"],
        GrowthStage.CAPABILITY,
        "为连锁餐饮和零售品牌开发点单、会员与储值小程序，服务门店 1,200 家。",
    ),
    (
        "深圳微店通信息技术有限公司",
        "深圳",
        ["self-operated"],
        GrowthStage.OPERATIONS,
        "帮助品牌商家搭建自营电商小程序，提供商品、订单、分销一体化方案。",
    ),
    (
        "成都味道数字餐饮科技有限公司",
        "成都",
        ["catering"],
        GrowthStage.CREATE,
        "专注川渝地区中小餐馆的扫码点餐与外卖小程序，刚完成服务商入驻。",
    ),
    (
        "上海邻里生活服务科技有限公司",
        "上海",
        ["local-services"],
        GrowthStage.EXPANSION,
        "为社区家政、洗衣、维修门店提供预约与支付小程序，正在拓展长三角市场。",
    ),
    (
        "北京企服云工具有限公司",
        "北京",
        ["business-services", "tools"],
        GrowthStage.CAPABILITY,
        "基于企业微信的客户管理与会话存档工具服务商。",
    ),
    (
        "港灣餐飲科技（香港）有限公司",
        "香港",
        ["catering"],
        GrowthStage.OPERATIONS,
        "為港式茶餐廳與連鎖飲品店提供點餐、會員積分與跨境支付接入。",
    ),
]

USERS = [
    DemoUser("editor@example.com", "林编辑", "Academy editor", group=roles.ACADEMY_EDITORS),
    DemoUser("events@example.com", "周活动", "Event staff", group=roles.EVENT_STAFF),
    DemoUser(
        "officer@example.com", "郑认证", "Certification officer", group=roles.CERTIFICATION_OFFICERS
    ),
    DemoUser(
        "owner@example.com",
        "王晓明",
        "Provider admin",
        provider="杭州云栈科技有限公司",
        membership_role=Membership.Role.ADMIN,
    ),
    DemoUser("member@example.com", "李娜", "Provider member", provider="杭州云栈科技有限公司"),
    DemoUser(
        "lecturer@example.com",
        "陈思远",
        "Lecturer",
        provider="深圳微店通信息技术有限公司",
        lecturer={
            "city": "深圳",
            "specialties": "小程序电商, 微信支付, 私域运营",
            "bio": "十年电商技术经验，曾主导 30 余个品牌商城小程序上线，擅长把支付与会员体系讲清楚。",
        },
    ),
    DemoUser("admin@example.com", "学院管理员", "Superuser (everything)", superuser=True),
    DemoUser("candidate@example.com", "赵敏", "Lecturer candidate (part-way to certification)"),
    DemoUser(
        "applicant@example.com",
        "刘洋",
        "Asked to join 杭州云栈科技 (pending: owner@ approves on the team page)",
        asks_to_join="杭州云栈科技有限公司",
    ),
]

HOME = {
    "title": "服务商学院",
    "hero_eyebrow": "服务商学院 · Provider Academy",
    "hero_title": "和 8,200 家服务商一起，把小程序生意做大",
    "hero_intro": "系统学习平台产品与接入规范，参考同行业标杆案例，参加城市线下工作坊，"
    "并通过讲师认证证明你的专业能力。",
}
STATS = [("8,200+", "服务商"), ("630,000", "小程序"), ("150+", "覆盖行业"), ("4", "成长方向")]
OFFERS = [
    ("学院课程", "从小程序电商入门到企业微信客户运营，按成长阶段排好的学习路径。", "/courses/"),
    ("标杆案例", "按行业与产品筛选同行的真实项目：挑战、方案与可量化的结果。", "/cases/"),
    ("线下活动", "城市工作坊与讲师面授课，报名、候补、签到一站完成。", "/events/"),
    ("讲师认证", "通过考试与授课评估，获得可在线验证的数字签名讲师证书。", "/lecturers/"),
]

ARTICLES = [
    {
        "slug": "about",
        "title": "关于服务商学院",
        "intro": "服务商学院是平台面向生态服务商的官方培训与认证体系。",
        "body": [
            (
                "paragraph",
                "<p>平台生态已有 8,200 多家服务商，为 150 多个行业的商家开发和运营了 63 万个小程序。"
                "很多新入驻的服务商面临能力缺口：不清楚自己处在哪个成长阶段，也缺少可以参照的标杆。</p>",
            ),
            ("heading", "四个成长方向"),
            (
                "paragraph",
                "<p>学院围绕<b>创建、能力、运营、业务拓展</b>四个方向组织课程、案例与活动："
                "新服务商先完成入驻与基础开发，再补齐支付、会员、营销等产品能力，"
                "然后提升交付与运营效率，最后拓展新行业与新区域市场。</p>",
            ),
            ("heading", "讲师认证"),
            (
                "paragraph",
                "<p>服务商的资深员工可以申请成为认证讲师，在城市工作坊授课。"
                "证书为数字签名 PDF，任何人都可以扫码或输入编号在线验证。</p>",
            ),
        ],
    },
    {
        "slug": "catering-growth-guide",
        "title": "餐飲行業服務商成長指南",
        "intro": "從掃碼點餐到會員儲值：餐飲服務商在四個成長階段分別該做什麼。",
        "body": [
            (
                "paragraph",
                "<p>餐飲是小程序滲透最深的行業之一。午市高峰時一家門店每分鐘可能有數十筆點單，"
                "系統穩定性和支付成功率直接決定商家的營業額。</p>",
            ),
            ("heading", "創建：先跑通一家門店"),
            (
                "paragraph",
                "<p>完成服務商入駐後，先為一家合作門店上線掃碼點餐：桌碼、菜單、下單、支付、"
                "後廚打印。把一家店的數據跑通，比同時簽十家更重要。</p>",
            ),
            ("heading", "能力：會員與儲值"),
            (
                "paragraph",
                "<p>接入會員卡與儲值能力，讓商家的回頭客可以被識別和觸達。"
                "注意儲值資金的合規要求與退款流程。</p>",
            ),
            ("heading", "運營與業務拓展"),
            (
                "paragraph",
                "<p>用標準化的交付清單把實施週期從四週縮短到一週，再把成熟方案複製到茶飲、"
                "烘焙等相鄰細分行業。</p>",
            ),
        ],
    },
    {
        "slug": "mini-program-basics",
        "title": "小程序开发入门：从注册到上线",
        "intro": "新服务商第一次为商家交付小程序时最常遇到的八个问题。",
        "body": [
            (
                "paragraph",
                "<p>为商家开发小程序，第一步是确认主体：商家自己注册小程序并授权给服务商，"
                "还是由服务商代注册。两种方式在后续支付接入和数据归属上差别很大。</p>",
            ),
            ("heading", "提交审核前的检查清单"),
            (
                "paragraph",
                "<p>类目与资质是否匹配；隐私协议是否覆盖了所有收集的用户信息；"
                "支付页面是否展示了商家主体名称；所有页面在弱网下是否可用。</p>",
            ),
        ],
    },
    {
        "slug": "lecturer-certification",
        "title": "讲师认证体系说明",
        "intro": "认证讲师需要完成指定课程、通过认证考试，并在线下活动中完成试讲。",
        "body": [
            (
                "paragraph",
                "<p>讲师认证分为初级、认证与资深三个等级，证书有效期 24 个月。"
                "每张证书都有唯一编号和二维码，可在学院网站的“证书验证”页面查询真伪与状态。</p>",
            ),
        ],
    },
]


class Command(BaseCommand):
    help = (
        "Create the demo academy (pages, providers, staff and member accounts). Safe to run twice."
    )

    def handle(self, *args, **options):
        # The demo's people live at example.com: what the real flows mail them (a certificate
        # issued when the demo lecturer passes the exam, say) is kept out of the console.
        # The override spans the commit, where on-commit tasks send their mail.
        locmem = "django.core.mail.backends.locmem.EmailBackend"
        with override_settings(EMAIL_BACKEND=locmem), transaction.atomic():
            self.seed_all()
        self.print_logins()

    def seed_all(self):
        home = self.seed_home()
        self.seed_articles(home)
        self.seed_settings()
        providers = self.seed_providers()
        self.seed_users(providers)
        # Courses, cases and events come after the users: the demo member is enrolled and signed up.
        courses_demo.seed(home, self.stdout)
        events_demo.seed(home, self.stdout)
        # Exams before programmes: the lecturer programme requires the written exam.
        certification_demo_exams.seed(self.stdout)
        # Certification next: it reads course completions, sessions taught and ratings.
        certification_demo.seed(home, self.stdout)
        # Questions after certification: the demo lecturer answers as a certified lecturer.
        courses_demo_questions.seed(self.stdout)
        # Growth next: it reads everything seeded above.
        growth_demo.seed(home, self.stdout)
        # Provider profiles last of the apps: they show lecturers, certificates and cases.
        showcase_demo.seed(home, self.stdout)
        growth_demo.seed_later_providers(self.stdout)
        # English versions last, of pages the steps above made (academy/demo_english.py).
        demo_english.seed(self.stdout)
        # The privacy notice last: every demo account has accepted it, so the demo never asks.
        demo_privacy.seed(self.stdout)

    def seed_home(self) -> HomePage:
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            # Wagtail's installer leaves a plain "Welcome" page at /; the academy's home replaces it.
            for page in (
                root.get_children().filter(slug="home").exclude(content_type__model="homepage")
            ):
                page.delete()
            home = HomePage(
                slug="home",
                stats=[("stat", {"value": v, "label": label}) for v, label in STATS],
                offers=[
                    ("offer", {"title": t, "text": text, "link_url": url, "link_page": None})
                    for t, text, url in OFFERS
                ],
                **HOME,
            )
            root.add_child(instance=home)
            home.save_revision().publish()
            self.stdout.write("Created the home page.")
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name="服务商学院",
            )
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.site_name = "服务商学院"
            site.save()
        return home

    def seed_articles(self, home: HomePage) -> None:
        for article in ARTICLES:
            if StandardPage.objects.filter(slug=article["slug"]).exists():
                continue
            page = StandardPage(
                title=article["title"],
                slug=article["slug"],
                intro=article["intro"],
                body=[(kind, value) for kind, value in article["body"]],
            )
            home.add_child(instance=page)
            page.save_revision().publish()
            self.stdout.write(f"Created page {page.title}.")

    def seed_settings(self) -> None:
        site = Site.objects.get(is_default_site=True)
        settings = SiteSettings.for_site(site)
        if not settings.contact_email:
            settings.contact_email = "academy@example.com"
            settings.icp_number = "沪ICP备00000000号-1（演示）"
            settings.save()
        if not FooterText.objects.filter(locale=Locale.get_default()).exists():
            FooterText.objects.create(
                locale=Locale.get_default(),
                body="<p>服务商学院由平台生态团队运营，面向所有已入驻的服务商免费开放。</p>",
            )

    def seed_providers(self) -> dict[str, Provider]:
        industries = {i.slug: i for i in Industry.objects.all()}
        providers = {}
        for name, city, industry_slugs, stage, description in PROVIDERS:
            provider, created = Provider.objects.get_or_create(
                name=name,
                defaults={"city": city, "growth_stage": stage, "description": description},
            )
            if created:
                provider.industries.set([industries[s] for s in industry_slugs if s in industries])
            providers[name] = provider
        return providers

    def seed_users(self, providers: dict[str, Provider]) -> None:
        for spec in USERS:
            user = User.objects.filter(email=spec.email).first()
            if user is None:
                user = User(
                    email=spec.email,
                    username=spec.email.split("@")[0],
                    display_name=spec.name,
                    is_staff=bool(spec.group or spec.superuser),
                    is_superuser=spec.superuser,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                self.mark_email_verified(user)
            if spec.group:
                user.groups.add(Group.objects.get(name=spec.group))
            if spec.provider and not Membership.objects.filter(user=user).exists():
                Membership.objects.create(
                    user=user, provider=providers[spec.provider], role=spec.membership_role
                )
            if spec.lecturer:
                LecturerProfile.objects.get_or_create(user=user, defaults=spec.lecturer)
            if spec.asks_to_join and not JoinRequest.objects.filter(user=user).exists():
                # Through the service, as a sign-up does: the company's admins are e-mailed.
                services.request_to_join(user, providers[spec.asks_to_join], "zh-hans")

    @staticmethod
    def mark_email_verified(user: User) -> None:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

    def print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for spec in USERS:
            self.stdout.write(f"  {spec.email:<24} {spec.role}")
