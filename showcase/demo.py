"""Demo business expansion for `seed_demo`: ten approved provider profiles across the five top
industries, with services, certified lecturers and the demo cases they delivered; a few merchant
enquiries to 杭州云栈 (owner@example.com reads them on the team side); and 杭州云栈's need for an
e-invoicing partner in 杭州, which 广州粤账通 (partner@example.com) matches.

Idempotent: providers by name, profiles by provider, people by e-mail, enquiries by their
merchant's e-mail, the need by its title; a profile is approved only when first created.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from academy.models import GrowthStage, Industry, LecturerProfile, Membership, Provider, User
from certification.demo_programmes import PROGRAMME_SLUG
from certification.models import Certificate, Programme
from certification.services import issuing
from courses.models import CaseStudyPage, Product

from . import services
from .models import Enquiry, PartnerNeed, ProviderService, ServiceKind, ShowcaseProfile

PASSWORD = "Academy#2026"

# New companies beside seed_demo's six: name, city, industries, stage, description.
NEW_PROVIDERS = [
    (
        "广州粤点餐饮科技有限公司",
        "广州",
        ["catering"],
        GrowthStage.CREATE,
        "为广州早茶与粤菜馆提供扫码点餐。",
    ),
    (
        "苏州净衣云科技有限公司",
        "苏州",
        ["laundry"],
        GrowthStage.OPERATIONS,
        "洗衣连锁的预约取送小程序。",
    ),
    (
        "广州粤账通财税科技有限公司",
        "广州",
        ["tax-accounting"],
        GrowthStage.EXPANSION,
        "电子发票与财税 SaaS。",
    ),
    (
        "宁波甬商数字科技有限公司",
        "宁波",
        ["home-appliances"],
        GrowthStage.CAPABILITY,
        "家电品牌会员商城。",
    ),
]

# Demo cases nobody delivered yet, and the new company that did.
CASE_PROVIDERS = {
    "appliance-member-points-mall": "宁波甬商数字科技有限公司",
    "laundry-chain-suzhou": "苏州净衣云科技有限公司",
    "tax-accounting-service": "广州粤账通财税科技有限公司",
}


def service(title, kind, industries, products, description, low, high, weeks):
    return {
        "title": title,
        "kind": kind,
        "industries": industries,
        "products": products,
        "description": description,
        "price_from": low,
        "price_to": high,
        "delivery_weeks": weeks,
    }


PROFILES = {
    "杭州云栈科技有限公司": {
        "slug": "yunzhan",
        "tagline": "连锁餐饮与零售的点单、会员与储值小程序",
        "about": "杭州云栈成立于 2016 年，为连锁茶饮、快餐和零售品牌开发点单、会员与储值小程序，"
        "服务门店 1,200 家。团队有两位学院认证讲师，交付流程按学院的标准化清单执行。",
        "cities": "杭州, 上海, 宁波",
        "industries": ["catering", "tea-drinks", "self-operated"],
        "active_since": 2016,
        "show_growth_stage": True,
        "open_to_partnerships": True,
        "services": [
            service(
                "点单小程序（到店自取 + 外送）",
                ServiceKind.DEVELOPMENT,
                ["tea-drinks", "catering"],
                ["mini-program", "payments"],
                "门店点单、取餐叫号、外送配送对接，四周上线。",
                30000,
                120000,
                4,
            ),
            service(
                "会员储值与积分",
                ServiceKind.INTEGRATION,
                ["catering"],
                ["payments", "mini-program"],
                "储值卡、积分与优惠券打通点单，资金按门店结算。",
                20000,
                60000,
                3,
            ),
            service(
                "门店运营代管",
                ServiceKind.OPERATIONS,
                ["catering"],
                ["operations"],
                "活动策划、会员触达与月度复盘。",
                5000,
                15000,
                2,
            ),
        ],
    },
    "港灣餐飲科技（香港）有限公司": {
        "slug": "harbour-catering",
        "tagline": "港式茶餐廳與連鎖飲品店的點餐與跨境支付",
        "about": "港灣餐飲科技服務港澳兩地的茶餐廳與飲品連鎖，提供點餐、會員積分與跨境支付接入。",
        "cities": "香港, 澳門",
        "industries": ["catering", "hk-cafe"],
        "active_since": 2018,
        "show_growth_stage": False,
        "open_to_partnerships": True,
        "services": [
            service(
                "茶餐廳掃碼點餐",
                ServiceKind.DEVELOPMENT,
                ["hk-cafe"],
                ["mini-program", "payments"],
                "桌碼點餐、廚房列印與多幣種支付。",
                25000,
                80000,
                3,
            ),
            service(
                "跨境支付接入",
                ServiceKind.INTEGRATION,
                ["catering", "self-operated"],
                ["payments"],
                "為港澳商戶開通跨境收款，人民幣與港幣結算。",
                8000,
                30000,
                2,
            ),
        ],
    },
    "成都味道数字餐饮科技有限公司": {
        "slug": "chengdu-flavour",
        "tagline": "川渝中小餐馆的扫码点餐与外卖小程序",
        "about": "专注成都、重庆的中小餐馆，一周上线扫码点餐，价格透明。",
        "cities": "成都, 重庆",
        "industries": ["catering", "chinese-dining"],
        "active_since": 2023,
        "show_growth_stage": True,
        "open_to_partnerships": False,
        "services": [
            service(
                "扫码点餐快速上线",
                ServiceKind.DEVELOPMENT,
                ["chinese-dining"],
                ["mini-program", "payments"],
                "标准版扫码点餐，一周上线。",
                5000,
                15000,
                1,
            ),
        ],
    },
    "广州粤点餐饮科技有限公司": {
        "slug": "yuedian",
        "tagline": "早茶与粤菜馆的扫码点餐",
        "about": "为广州、佛山的早茶和粤菜馆提供扫码点餐与排队取号。",
        "cities": "广州, 佛山",
        "industries": ["catering"],
        "active_since": 2024,
        "show_growth_stage": False,
        "open_to_partnerships": False,
        "services": [
            service(
                "早茶扫码点餐",
                ServiceKind.DEVELOPMENT,
                ["catering"],
                ["mini-program"],
                "点心勾选单电子化，出品顺序按桌号。",
                8000,
                20000,
                2,
            ),
        ],
    },
    "深圳微店通信息技术有限公司": {
        "slug": "weidiantong",
        "tagline": "品牌自营电商小程序：商品、订单、分销一体化",
        "about": "帮助品牌商家搭建自营电商小程序，提供商品、订单、分销一体化方案。",
        "cities": "深圳, 广州",
        "industries": ["self-operated", "apparel"],
        "active_since": 2015,
        "show_growth_stage": True,
        "open_to_partnerships": True,
        "services": [
            service(
                "品牌自营商城",
                ServiceKind.DEVELOPMENT,
                ["apparel", "self-operated"],
                ["mini-program", "payments"],
                "商品、库存、订单与分销员体系。",
                50000,
                200000,
                6,
            ),
            service(
                "私域运营培训",
                ServiceKind.TRAINING,
                ["self-operated"],
                ["operations", "workplace"],
                "面向品牌导购团队的企业微信私域运营培训。",
                8000,
                20000,
                1,
            ),
        ],
    },
    "宁波甬商数字科技有限公司": {
        "slug": "yongshang",
        "tagline": "家电品牌的会员积分商城",
        "about": "服务宁波、慈溪的家电品牌，把售后登记、会员积分和商城连在一起。",
        "cities": "宁波",
        "industries": ["self-operated", "home-appliances"],
        "active_since": 2019,
        "show_growth_stage": False,
        "open_to_partnerships": True,
        "services": [
            service(
                "会员积分商城",
                ServiceKind.DEVELOPMENT,
                ["home-appliances"],
                ["mini-program"],
                "售后登记送积分，积分兑换配件与延保。",
                40000,
                100000,
                5,
            ),
        ],
    },
    "上海邻里生活服务科技有限公司": {
        "slug": "linli",
        "tagline": "社区家政、洗衣、维修门店的预约与支付",
        "about": "为社区家政、洗衣、维修门店提供预约与支付小程序，正在拓展长三角市场。",
        "cities": "上海, 苏州, 杭州",
        "industries": ["local-services", "housekeeping"],
        "active_since": 2017,
        "show_growth_stage": True,
        "open_to_partnerships": True,
        "services": [
            service(
                "家政预约小程序",
                ServiceKind.DEVELOPMENT,
                ["housekeeping"],
                ["mini-program", "payments"],
                "服务项目、阿姨排班、上门签到与评价。",
                30000,
                90000,
                4,
            ),
        ],
    },
    "苏州净衣云科技有限公司": {
        "slug": "jingyiyun",
        "tagline": "洗衣连锁的预约取送",
        "about": "洗衣连锁的上门取送、订单追踪与会员卡。",
        "cities": "苏州, 无锡",
        "industries": ["local-services", "laundry"],
        "active_since": 2020,
        "show_growth_stage": False,
        "open_to_partnerships": False,
        "services": [
            service(
                "洗衣预约取送",
                ServiceKind.SAAS,
                ["laundry"],
                ["mini-program", "payments"],
                "按月订阅的预约取送系统，含骑手端。",
                3000,
                12000,
                1,
            ),
        ],
    },
    "北京企服云工具有限公司": {
        "slug": "qifuyun",
        "tagline": "企业微信客户管理与会话存档",
        "about": "基于企业微信的客户管理与会话存档工具服务商，服务培训机构与专业服务公司。",
        "cities": "北京, 天津",
        "industries": ["business-services", "tools", "corporate-training"],
        "active_since": 2016,
        "show_growth_stage": False,
        "open_to_partnerships": True,
        "services": [
            service(
                "企业微信客户管理",
                ServiceKind.SAAS,
                ["corporate-training", "business-services"],
                ["workplace"],
                "客户标签、跟进提醒与会话存档。",
                10000,
                50000,
                2,
            ),
            service(
                "排班工具定制",
                ServiceKind.DEVELOPMENT,
                ["productivity-tools"],
                ["workplace"],
                "门店排班与考勤，对接企业微信审批。",
                20000,
                60000,
                4,
            ),
        ],
    },
    "广州粤账通财税科技有限公司": {
        "slug": "yuezhangtong",
        "tagline": "电子发票与代理记账 SaaS",
        "about": "为小微商户提供电子发票开具、代理记账与税务申报，支持收款后自动开票。",
        "cities": "广州, 杭州, 深圳",
        "industries": ["business-services", "tax-accounting"],
        "active_since": 2014,
        "show_growth_stage": True,
        "open_to_partnerships": True,
        "services": [
            service(
                "电子发票接入",
                ServiceKind.INTEGRATION,
                ["tax-accounting", "catering", "self-operated"],
                ["payments", "mini-program"],
                "支付成功后自动开具电子发票，支持全电发票。",
                5000,
                30000,
                2,
            ),
            service(
                "代理记账",
                ServiceKind.CONSULTING,
                ["tax-accounting"],
                [],
                "小规模纳税人记账报税。",
                2400,
                6000,
                1,
            ),
        ],
    },
}

PEOPLE = [
    # email, name, company, role, certified lecturer
    ("lecturer.yunzhan@example.com", "孙悦", "杭州云栈科技有限公司", Membership.Role.MEMBER, True),
    ("lecturer.hk@example.com", None, "港灣餐飲科技（香港）有限公司", Membership.Role.MEMBER, True),
    ("partner@example.com", "黄嘉怡", "广州粤账通财税科技有限公司", Membership.Role.ADMIN, False),
]

ENQUIRIES = [
    # provider, name, company, email, industry, city, need, budget, status
    (
        "杭州云栈科技有限公司",
        "周婷",
        "茶小满",
        "tea@example.com",
        "tea-drinks",
        "杭州",
        "12 家茶饮门店想上线点单与储值，年底前上线。",
        "50k-200k",
        Enquiry.Status.NEW,
    ),
    (
        "杭州云栈科技有限公司",
        "吴强",
        "吴记面馆",
        "noodles@example.com",
        "chinese-dining",
        "杭州",
        "3 家面馆需要扫码点餐，预算有限。",
        "10k-50k",
        Enquiry.Status.CONTACTED,
    ),
    (
        "杭州云栈科技有限公司",
        "郑丽",
        "丽轩烘焙",
        "bakery@example.com",
        "catering",
        "宁波",
        "烘焙店会员积分与生日券。",
        "10k-50k",
        Enquiry.Status.WON,
    ),
    (
        "港灣餐飲科技（香港）有限公司",
        "何嘉欣",
        "嘉欣冰室",
        "cafe@example.com",
        "hk-cafe",
        "香港",
        "兩間冰室想加入跨境支付。",
        "under-10k",
        Enquiry.Status.NEW,
    ),
]

NEED = {
    "provider": "杭州云栈科技有限公司",
    "title": "寻找杭州的电子发票合作伙伴",
    "description": "我们的茶饮客户希望顾客在小程序付款后自动开具电子发票，寻找能对接支付的开票服务商。",
    "city": "杭州",
    "kind": ServiceKind.INTEGRATION,
    "products": ["payments"],
    "keywords": "电子发票, 开票",
}


class _Quiet:
    def write(self, *args, **kwargs):
        pass


def _user(email: str, name: str | None) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, username=email.split("@")[0].replace(".", "_"), display_name=name)
        user.set_password(PASSWORD)
        user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _providers() -> dict[str, Provider]:
    industries = {i.slug: i for i in Industry.objects.all()}
    for name, city, slugs, stage, description in NEW_PROVIDERS:
        provider, created = Provider.objects.get_or_create(
            name=name, defaults={"city": city, "growth_stage": stage, "description": description}
        )
        if created:
            provider.industries.set([industries[s] for s in slugs if s in industries])
    return {p.name: p for p in Provider.objects.filter(name__in=PROFILES)}


def _people(providers: dict[str, Provider], out) -> None:
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    officer = User.objects.filter(email="officer@example.com").first()
    for email, name, company, role, certified in PEOPLE:
        if name is None and not User.objects.filter(email=email).exists():
            continue  # someone another demo makes; not there, nothing to do
        user = _user(email, name)
        if company in providers and not Membership.objects.filter(user=user).exists():
            Membership.objects.create(user=user, provider=providers[company], role=role)
        if not certified or programme is None:
            continue
        LecturerProfile.objects.get_or_create(
            user=user,
            defaults={"city": providers[company].city, "specialties": "餐饮小程序, 会员储值"},
        )
        if not Certificate.objects.filter(holder=user, programme=programme).exists():
            result = issuing.award_certificate(
                user, programme, by=officer, reason="演示：餐饮行业认证讲师", notify=False
            )
            out.write(f"Certified {email}: {result.certificate.serial}")


def _cases(providers: dict[str, Provider]) -> None:
    for slug, company in CASE_PROVIDERS.items():
        case = CaseStudyPage.objects.filter(slug=slug, provider__isnull=True).first()
        if case is None or company not in providers:
            continue
        case.provider = providers[company]
        revision = case.save_revision()
        if case.live:
            revision.publish()


def _profile(provider: Provider, spec: dict, approver) -> ShowcaseProfile | None:
    if ShowcaseProfile.objects.filter(provider=provider).exists():
        return None
    industries = {i.slug: i for i in Industry.objects.all()}
    products = {p.slug: p for p in Product.objects.all()}
    profile = ShowcaseProfile.objects.create(
        provider=provider,
        slug=spec["slug"],
        tagline=spec["tagline"],
        about=spec["about"],
        cities=spec["cities"],
        active_since=spec["active_since"],
        show_growth_stage=spec["show_growth_stage"],
        open_to_partnerships=spec["open_to_partnerships"],
        status=ShowcaseProfile.Status.PENDING,
    )
    profile.industries.set([industries[s] for s in spec["industries"] if s in industries])
    for order, item in enumerate(spec["services"]):
        row = ProviderService.objects.create(
            profile=profile,
            sort_order=order,
            **{k: v for k, v in item.items() if k not in ("industries", "products")},
        )
        row.industries.set([industries[s] for s in item["industries"] if s in industries])
        row.products.set([products[s] for s in item["products"] if s in products])
    return services.approve_profile(profile.pk, approver)


def _enquiries(providers: dict[str, Provider]) -> None:
    industries = {i.slug: i for i in Industry.objects.all()}
    for company, name, merchant, email, industry, city, need, budget, status in ENQUIRIES:
        profile = ShowcaseProfile.objects.filter(provider__name=company).first()
        if (
            profile is None
            or Enquiry.objects.filter(provider=profile.provider, email=email).exists()
        ):
            continue
        data = {
            "name": name,
            "company": merchant,
            "phone": "",
            "email": email,
            "industry": industries.get(industry),
            "city": city,
            "need": need,
            "budget": budget,
            "consent": True,
        }
        enquiry = services.send_enquiry(profile, data, "zh-hans")
        if status != Enquiry.Status.NEW:
            admin = Membership.objects.filter(
                provider=profile.provider, role=Membership.Role.ADMIN
            ).first()
            if admin is not None:
                services.update_enquiry(
                    admin, enquiry.pk, status, "演示：已电话联系，约了下周上门。"
                )


def _need(providers: dict[str, Provider]) -> None:
    provider = providers.get(NEED["provider"])
    if provider is None or PartnerNeed.objects.filter(title=NEED["title"]).exists():
        return
    admin = Membership.objects.filter(provider=provider, role=Membership.Role.ADMIN).first()
    if admin is None:
        return
    services.post_need(
        admin,
        {
            **{k: NEED[k] for k in ("title", "description", "city", "kind", "keywords")},
            "products": list(Product.objects.filter(slug__in=NEED["products"])),
        },
    )


def seed(home_page=None, stdout=None) -> None:
    out = stdout or _Quiet()
    approver = User.objects.filter(email="editor@example.com").first()
    with transaction.atomic():
        providers = _providers()
        _people(providers, out)
        _cases(providers)
        created = 0
        for name, spec in PROFILES.items():
            if name in providers and _profile(providers[name], spec, approver):
                created += 1
        _enquiries(providers)
        _need(providers)
    if created:
        out.write(f"Created {created} approved provider profiles (/providers/).")
