"""Demo exams for `seed_demo`: the question bank on mini-program e-commerce and payments, the
lecturer's written exam drawing 20 of its questions, a short-answer bank for the grading queue,
and a dozen made-up candidates' graded attempts so the statistics page has something to show.

    from certification import demo_exams
    demo_exams.seed(self.stdout)

Idempotent: banks and exams are looked up by slug, questions by their text, candidates by
e-mail; attempts are only added when the exam has none.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from .models import Attempt, Choice, Exam, ExamPool, Question, QuestionBank, Review
from .services import exams as services

S, M, TF, SHORT = (
    Question.Kind.SINGLE,
    Question.Kind.MULTIPLE,
    Question.Kind.TRUE_FALSE,
    Question.Kind.SHORT,
)
TRUE = ["正确", "错误"]  # the two choices of a true/false question, in this order

BANK = {
    "slug": "mini-program-commerce-payments",
    "title": "小程序电商与支付",
    "description": "认证讲师笔试题库：小程序登录与安全、微信支付接入、订单与退款、审核合规、营销与运营。",
}
EXAM = {
    "slug": "lecturer-written-exam-commerce",
    "title": "認證講師筆試 · 小程序電商",
    "description": "认证讲师笔试：从题库随机抽取 20 题，30 分钟内完成，70 分及格。"
    "每位讲师最多 3 次机会，两次考试之间需间隔 24 小时。",
}

# (kind, topic, difficulty, question, choices, correct letters, explanation)
QUESTIONS = [
    (
        S,
        "支付接入",
        1,
        "在小程序内拉起微信支付收银台，前端应调用哪个接口？",
        ["wx.requestPayment", "wx.pay", "wx.startPayment", "wx.chooseWXPay"],
        "A",
        "小程序端使用 wx.requestPayment，所需参数由服务端下单后生成并签名。",
    ),
    (
        S,
        "支付接入",
        1,
        "小程序支付下单时，用于标识付款用户的参数是？",
        ["用户在该小程序下的 openid", "unionid", "用户手机号", "微信号"],
        "A",
        "JSAPI/小程序下单需要传入用户在当前 AppID 下的 openid。",
    ),
    (
        S,
        "支付接入",
        2,
        "服务商模式下为商家下单时，请求中的 sub_mchid 指的是？",
        ["特约商户（子商户）号", "服务商自己的商户号", "小程序 AppID", "门店编号"],
        "A",
        "服务商模式中 sp_mchid 是服务商商户号，sub_mchid 是被服务的特约商户号。",
    ),
    (
        S,
        "支付接入",
        2,
        "商户系统应以什么作为订单支付成功的依据？",
        [
            "服务端收到并验签的支付结果通知，或主动查询订单的结果",
            "前端 wx.requestPayment 的 success 回调",
            "用户提供的付款截图",
            "订单创建成功",
        ],
        "A",
        "前端回调只表示用户端流程结束，可能被伪造或丢失，不能作为支付成功的依据。",
    ),
    (
        TF,
        "支付接入",
        1,
        "收到微信支付回调通知后，应先验证签名并做幂等处理，再更新订单状态。",
        TRUE,
        "A",
        "同一通知可能重复发送；验签防伪造，幂等防重复发货或重复记账。",
    ),
    (
        S,
        "支付接入",
        3,
        "微信支付 APIv3 的支付结果通知中，资源数据是如何保护的？",
        [
            "使用 APIv3 密钥以 AEAD_AES_256_GCM 加密",
            "明文传输",
            "仅做 Base64 编码",
            "使用 MD5 签名",
        ],
        "A",
        "通知的 resource 字段用 APIv3 密钥 AEAD_AES_256_GCM 加密，商户解密后才能读取订单信息。",
    ),
    (
        S,
        "支付接入",
        2,
        "商户成功处理了 APIv3 支付通知，应如何应答？",
        ["返回 HTTP 200 或 204", "不做任何应答", "重定向到小程序首页", "返回 500 状态码"],
        "A",
        "返回 200/204 表示接收成功；否则微信支付会按策略重新发送通知。",
    ),
    (
        S,
        "订单与退款",
        2,
        "订单超过支付时限仍未支付，正确的处理是？",
        [
            "调用关单接口关闭微信支付订单，再更新本地订单状态",
            "只修改本地订单状态",
            "等待用户自行取消",
            "直接删除订单记录",
        ],
        "A",
        "只改本地状态时用户仍可能完成支付，造成掉单；先关单可避免。",
    ),
    (
        M,
        "订单与退款",
        2,
        "以下哪些情况应主动调用查询订单接口确认支付状态？",
        [
            "长时间没有收到支付结果通知",
            "下单或支付接口返回系统错误、状态未知",
            "关单前确认订单确实未支付",
            "用户刚打开商品详情页",
        ],
        "A,B,C",
        "通知可能延迟或丢失，接口可能超时；在这些不确定的时刻要以查单结果为准。",
    ),
    (
        S,
        "订单与退款",
        1,
        "关于微信支付的退款，以下说法正确的是？",
        [
            "同一订单可多次部分退款，累计金额不超过订单金额",
            "只能全额退款且只能退一次",
            "退款金额可以超过订单金额",
            "只能在支付后 24 小时内退款",
        ],
        "A",
        "支持多次部分退款，总额不超过原订单实付金额。",
    ),
    (
        S,
        "订单与退款",
        2,
        "交易时间超过多久的订单无法再通过接口提交退款？",
        ["一年", "30 天", "90 天", "三年"],
        "A",
        "按微信支付规则，交易时间超过一年的订单无法提交退款。",
    ),
    (
        TF,
        "订单与退款",
        2,
        "申请退款接口返回受理成功，就说明钱已经退到用户账户。",
        TRUE,
        "B",
        "受理成功不等于退款成功，应以退款结果通知或查询退款接口的状态为准。",
    ),
    (
        S,
        "订单与退款",
        2,
        "申请退款时，保证同一笔退款不会被重复执行的关键字段是？",
        ["商户退款单号 out_refund_no", "用户昵称", "商品名称", "门店名称"],
        "A",
        "相同的商户退款单号重复提交只会退款一次，网络重试时要沿用原退款单号。",
    ),
    (
        S,
        "订单与退款",
        1,
        "用户使用零钱支付的订单发生退款，资金会退回到？",
        ["用户零钱（原路退回）", "商家的银行卡", "服务商账户", "用户另行指定的银行卡"],
        "A",
        "微信支付退款原路返回到用户付款时使用的资金渠道。",
    ),
    (
        S,
        "分账与合单",
        2,
        "一笔订单的部分资金需要分给分销员或合作方，应使用哪项能力？",
        ["分账", "商家转账到零钱", "代金券", "付款码支付"],
        "A",
        "分账用于在订单完成后把资金按比例或金额分给接收方。",
    ),
    (
        TF,
        "分账与合单",
        3,
        "需要分账的订单，下单时必须标记为需要分账，否则之后不能对该订单发起分账。",
        TRUE,
        "A",
        "下单时需在结算信息中声明分账（如 profit_sharing 为 true），资金才会被冻结待分账。",
    ),
    (
        S,
        "分账与合单",
        3,
        "用户一次付款同时购买了多个子商户的商品，适合使用？",
        ["合单支付", "分账", "付款码支付", "H5 支付"],
        "A",
        "合单支付让一次付款拆分到多个子商户的子单，各自结算。",
    ),
    (
        S,
        "分账与合单",
        2,
        "微信支付下单接口中，金额 total 字段的单位是？",
        ["分（整数）", "元（保留两位小数）", "角", "美元"],
        "A",
        "金额以分为单位的整数传递，避免浮点误差。",
    ),
    (
        S,
        "交易安全",
        1,
        "订单应付金额应该由谁计算？",
        [
            "服务端根据商品、优惠和运费重新计算",
            "直接使用前端提交的金额",
            "由用户填写",
            "使用页面上显示的价格",
        ],
        "A",
        "前端提交的金额可被篡改，必须在服务端按商品与优惠规则重新计算。",
    ),
    (
        S,
        "交易安全",
        1,
        "小程序的 AppSecret 和微信支付 APIv3 密钥应该如何保管？",
        [
            "只保存在服务端，不写进前端代码或代码仓库",
            "写在小程序前端配置文件里",
            "发给商家客服备用",
            "写在公开的接入文档中",
        ],
        "A",
        "密钥一旦泄露，他人可伪造请求或解密通知，只能存放在服务端的安全配置中。",
    ),
    (
        S,
        "登录与用户",
        1,
        "前端通过 wx.login 拿到的 code 应如何使用？",
        [
            "发送到开发者服务器，由服务器调用 code2Session 换取 openid 与 session_key",
            "在前端直接调用 code2Session",
            "保存在本地长期使用",
            "作为用户的登录密码",
        ],
        "A",
        "code 只能使用一次且有效期很短，换取会话必须在服务端完成。",
    ),
    (
        TF,
        "登录与用户",
        2,
        "session_key 可以下发到小程序前端保存，方便前端自行解密数据。",
        TRUE,
        "B",
        "session_key 是敏感凭证，不应下发到前端或对外传输。",
    ),
    (
        S,
        "登录与用户",
        2,
        "同一主体下的多个小程序、公众号要识别同一个用户，应使用？",
        ["unionid", "openid", "session_key", "wx.login 的 code"],
        "A",
        "openid 在每个应用下不同；同一开放平台主体下的应用共享 unionid。",
    ),
    (
        S,
        "登录与用户",
        2,
        "获取用户手机号的推荐方式是？",
        [
            "使用手机号快速验证组件，由用户主动点击授权",
            "页面加载时自动读取",
            "读取用户通讯录",
            "要求用户上传截图",
        ],
        "A",
        '必须由用户主动触发（button open-type="getPhoneNumber"），并在隐私指引中说明用途。',
    ),
    (
        TF,
        "审核与合规",
        1,
        "小程序收集手机号、收货地址等个人信息前，应在《用户隐私保护指引》中如实说明用途。",
        TRUE,
        "A",
        "未声明即收集个人信息会导致接口被限制或审核不通过。",
    ),
    (
        S,
        "审核与合规",
        1,
        "提交小程序审核时，服务类目应该？",
        [
            "与实际提供的服务一致，并提交对应资质",
            "选择审核最快的类目",
            "随便选一个，上线后再改",
            "不需要选择",
        ],
        "A",
        "类目与服务不符是常见的驳回原因，部分类目需要许可证等资质。",
    ),
    (
        M,
        "审核与合规",
        2,
        "以下哪些做法会导致审核被拒或被判违规？",
        [
            "诱导分享，例如“分享到群后才能领取”",
            "所选类目与实际服务不符",
            "虚假宣传或价格欺诈",
            "在隐私指引中如实说明数据用途",
        ],
        "A,B,C",
        "诱导分享、类目不符、虚假宣传都违反运营规范；如实说明数据用途是要求而不是违规。",
    ),
    (
        S,
        "审核与合规",
        2,
        "存在实物商品交易的小程序，用户支付后商家还需要？",
        [
            "按规则录入发货信息（发货信息管理）",
            "不需要任何操作",
            "只在客服聊天里告诉用户",
            "等用户确认收货后再扣款",
        ],
        "A",
        "平台要求有实物交易的小程序在支付后及时录入发货信息，否则可能影响资金结算。",
    ),
    (
        S,
        "审核与合规",
        2,
        "商品展示划线价（原价）时，正确的做法是？",
        [
            "划线价要有真实依据（如此前真实成交价），否则可能构成价格欺诈",
            "可以随意标高",
            "必须是售价的两倍",
            "不需要任何依据",
        ],
        "A",
        "虚构原价属于价格违法行为，也会被平台判为虚假宣传。",
    ),
    (
        M,
        "商品与库存",
        3,
        "防止库存超卖的可行做法有哪些？",
        [
            "条件更新：库存大于等于购买数量时才扣减",
            "下单时预占库存，支付超时后释放",
            "只在前端判断库存是否充足",
            "使用数据库事务与行锁",
        ],
        "A,B,D",
        "并发下单时前端判断无法防止超卖，必须在数据库层面保证原子扣减。",
    ),
    (
        S,
        "商品与库存",
        2,
        "用户下单后未支付，预占的库存应在什么时候释放？",
        ["订单超时关闭或用户取消时", "永不释放", "发货时", "用户下次登录时"],
        "A",
        "及时释放预占库存，避免商品显示售罄却实际无人购买。",
    ),
    (
        S,
        "营销与会员",
        2,
        "商家希望用户在小程序领券、支付时自动抵扣，应使用？",
        ["微信支付的商家券或代金券", "商家转账到零钱", "分账", "退款"],
        "A",
        "支付优惠由微信支付在付款时核销，抵扣结果会出现在支付结果中。",
    ),
    (
        TF,
        "营销与会员",
        2,
        "优惠券的实际抵扣金额，应以支付结果通知或查单返回的优惠信息为准。",
        TRUE,
        "A",
        "用户可能没有使用前端展示的优惠，以支付结果中的 promotion_detail 等信息为准。",
    ),
    (
        S,
        "营销与会员",
        1,
        "向用户发送订单发货提醒，应使用？",
        ["订阅消息（需用户先同意订阅）", "不经用户同意的群发消息", "批量短信", "朋友圈广告"],
        "A",
        "小程序通过订阅消息向用户发送服务通知，须先获得用户授权。",
    ),
    (
        TF,
        "营销与会员",
        1,
        "一次性订阅消息在用户同意一次后，可以给该用户无限次发送。",
        TRUE,
        "B",
        "用户每同意一次，开发者可下发一条对应模板的消息。",
    ),
    (
        M,
        "营销与会员",
        2,
        "以下哪些是合规且常用的私域运营做法？",
        [
            "用户主动订阅后发送订单与服务通知",
            "会员积分与储值",
            "强制分享到微信群才可下单",
            "通过企业微信添加顾客后提供一对一服务",
        ],
        "A,B,D",
        "强制分享属于诱导分享，违反平台规范。",
    ),
    (
        S,
        "体验与性能",
        2,
        "小程序主包的体积上限是？",
        ["2 MB", "20 MB", "200 KB", "没有限制"],
        "A",
        "主包不超过 2 MB，超出的代码和资源应放入分包。",
    ),
    (
        S,
        "体验与性能",
        1,
        "为缩短首屏时间，商品详情、会员中心等非首页模块适合？",
        ["使用分包加载", "全部放进主包", "首页同步请求所有数据", "关闭所有缓存"],
        "A",
        "分包让用户只在进入相关页面时下载对应代码。",
    ),
    (
        S,
        "支付接入",
        1,
        "用户在支付弹窗中点了取消，wx.requestPayment 会？",
        [
            "进入 fail 回调，errMsg 为 requestPayment:fail cancel",
            "进入 success 回调",
            "自动重新发起支付",
            "直接退出小程序",
        ],
        "A",
        "前端应提示用户可重新支付，订单保持待支付直到超时关闭。",
    ),
    (
        S,
        "订单与退款",
        2,
        "服务商每天核对交易与资金是否一致，应下载？",
        ["交易账单和资金账单", "用户聊天记录", "小程序访问日志", "商品图片"],
        "A",
        "对账以微信支付的交易账单和资金账单为依据。",
    ),
    (
        TF,
        "订单与退款",
        2,
        "同一个商户订单号只能对应一笔支付，修改金额重新下单时应使用新的商户订单号。",
        TRUE,
        "A",
        "商户订单号 out_trade_no 在商户号下唯一，重复使用会导致下单失败或支付混乱。",
    ),
    (
        M,
        "交易安全",
        3,
        "关于支付结果通知地址，以下哪些说法正确？",
        [
            "必须验证微信支付的签名",
            "要能处理重复通知（幂等）",
            "通知地址应要求登录态，未登录则拒绝",
            "要核对通知中的金额与本地订单金额是否一致",
        ],
        "A,B,D",
        "通知来自微信支付服务器，没有用户登录态；通知地址需公网可访问且不能带登录校验。",
    ),
    (
        S,
        "登录与用户",
        1,
        "小程序内让用户联系商家客服，可使用？",
        [
            'button 组件的 open-type="contact"',
            "wx.callService",
            'navigator 的 target="service"',
            "wx.openChat",
        ],
        "A",
        'open-type="contact" 打开客服会话，消息进入商家配置的客服系统。',
    ),
]

SHORT_BANK = {
    "slug": "lecturer-case-questions",
    "title": "讲师案例简答题",
    "description": "由认证专员人工评分的简答题，用于讲师试讲前的书面考核。",
}
SHORT_QUESTIONS = [
    (
        "案例分析",
        "某连锁茶饮品牌午高峰时偶发“用户已扣款但订单显示未支付”。请说明可能原因和你建议的处理方案。",
        "要点：支付通知延迟或丢失、通知处理失败未应答成功；方案：通知验签与幂等处理、定时查单补偿、关单前查单、对账。",
    ),
    (
        "案例分析",
        "一家服务商要为社区团购小程序设计分销员佣金结算。请说明你会如何使用分账，并列出需要注意的合规点。",
        "要点：下单时声明分账、添加分账接收方、订单完成后请求分账、比例上限、退款前先分账回退、对账。",
    ),
]

CANDIDATES = [
    ("周明", 0.95),
    ("吴佳", 0.9),
    ("郑浩", 0.85),
    ("冯雪", 0.8),
    ("陈立", 0.75),
    ("褚琳", 0.72),
    ("卫东", 0.65),
    ("蒋欣", 0.6),
    ("沈涛", 0.55),
    ("韩梅", 0.5),
    ("杨光", 0.4),
    ("朱宁", 0.3),
]


def _letters(spec: str) -> set[int]:
    return {"ABCDEFGHIJ".index(x.strip()) for x in spec.split(",")}


def _seed_bank() -> QuestionBank:
    bank, _ = QuestionBank.objects.get_or_create(slug=BANK["slug"], defaults=BANK)
    existing = set(bank.questions.values_list("text", flat=True))
    for kind, topic, difficulty, text, choices, correct, explanation in QUESTIONS:
        if text in existing:
            continue
        question = Question.objects.create(
            bank=bank,
            kind=kind,
            topic=topic,
            difficulty=difficulty,
            text=text,
            explanation=explanation,
            scoring=Question.Scoring.PARTIAL if kind == M else Question.Scoring.ALL_OR_NOTHING,
        )
        right = _letters(correct)
        Choice.objects.bulk_create(
            [
                Choice(question=question, text=choice, is_correct=i in right, sort_order=i)
                for i, choice in enumerate(choices)
            ]
        )
    short_bank, _ = QuestionBank.objects.get_or_create(slug=SHORT_BANK["slug"], defaults=SHORT_BANK)
    for topic, text, model_answer in SHORT_QUESTIONS:
        Question.objects.get_or_create(
            bank=short_bank,
            text=text,
            defaults={"kind": SHORT, "topic": topic, "points": 5, "model_answer": model_answer},
        )
    return bank


def _seed_exam(bank: QuestionBank) -> Exam:
    exam, created = Exam.objects.get_or_create(
        slug=EXAM["slug"],
        defaults={
            **EXAM,
            "published": True,
            "pass_mark": 70,
            "time_limit_minutes": 30,
            "max_attempts": 3,
            "wait_hours": 24,
            "shuffle_questions": True,
            "shuffle_choices": True,
            "layout": Exam.Layout.ONE_PER_PAGE,
            "grading_method": Exam.GradingMethod.HIGHEST,
            "review_after_submit": Review.ANSWERS,
            "review_after_close": Review.FULL,
        },
    )
    if created:
        ExamPool.objects.create(exam=exam, bank=bank, count=20, sort_order=0)
    return exam


def take_exam(user, exam: Exam, knows, *, seed: int = 0, days_ago: int = 0) -> Attempt:
    """A real attempt through the services: `knows(position)` says which questions `user`
    answers right; the attempt is then moved `days_ago` into the past (the wait between
    attempts counts from there)."""
    attempt, _ = services.start(user, exam, seed=seed)
    answers = {}
    for r in attempt.responses.all():
        wrong = [c["key"] for c in r.choices if c["key"] not in r.correct_keys]
        if r.kind == M:
            answers[r.position] = list(r.correct_keys) if knows(r.position) else wrong[:1]
        else:
            answers[r.position] = r.correct_keys[0] if knows(r.position) else wrong[0]
    services.save_answers(attempt.pk, user, answers)
    attempt = services.submit(attempt.pk)
    if days_ago:
        shift = timedelta(days=days_ago)
        Attempt.objects.filter(pk=attempt.pk).update(
            started_at=F("started_at") - shift,
            submitted_at=F("submitted_at") - shift,
            deadline=F("deadline") - shift,
            graded_at=F("graded_at") - shift,
        )
        attempt.refresh_from_db()
    return attempt


def _seed_attempts(exam: Exam) -> int:
    """Made-up candidates' graded attempts (they cannot log in), for the statistics page."""
    if Attempt.objects.filter(exam=exam).exclude(user__email="lecturer@example.com").exists():
        return 0
    User = get_user_model()
    made = 0
    for i, (name, skill) in enumerate(CANDIDATES):
        email = f"exam-candidate-{i + 1}@example.com"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, username=f"exam-candidate-{i + 1}", display_name=name)
            user.set_unusable_password()
            user.save()
        rng = random.Random(100 + i)
        take_exam(user, exam, lambda _, rng=rng, skill=skill: rng.random() < skill, seed=i)
        made += 1
    return made


def seed(stdout=None) -> Exam:
    with transaction.atomic():
        bank = _seed_bank()
        exam = _seed_exam(bank)
        made = _seed_attempts(exam)
    if stdout is not None:
        stdout.write(
            f"Exam “{exam.title}”: {bank.questions.count()} questions in the bank"
            + (f", {made} sample attempts." if made else ".")
        )
    return exam
