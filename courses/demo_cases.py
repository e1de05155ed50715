"""The demo academy's case studies: real-looking projects over the five top industries.

Sections are StreamField data in Wagtail's raw form. Hong Kong and Macau cases are written in
Traditional Chinese, as their merchants would write them.
"""

# (name, slug, parent slug): sub-industries under the five seeded top industries.
SUB_INDUSTRIES = [
    ("茶饮", "tea-drinks", "catering"),
    ("中式正餐", "chinese-dining", "catering"),
    ("港式茶餐厅", "hk-cafe", "catering"),
    ("服饰", "apparel", "self-operated"),
    ("家电", "home-appliances", "self-operated"),
    ("家政", "housekeeping", "local-services"),
    ("洗衣", "laundry", "local-services"),
    ("企业培训", "corporate-training", "business-services"),
    ("财税服务", "tax-accounting", "business-services"),
    ("效率工具", "productivity-tools", "tools"),
]


def section(*paragraphs: str) -> list[dict]:
    return [{"type": "text", "value": "".join(paragraphs)}]


def quote(text: str, who: str) -> dict:
    return {"type": "quote", "value": {"quote": text, "attribution": who}}


def metrics(*items: tuple[str, str, str]) -> list[dict]:
    return [
        {"type": "metric", "value": {"label": label, "value": value, "unit": unit}}
        for label, value, unit in items
    ]


CASES = [
    {
        "slug": "tea-chain-ordering-hangzhou",
        "title": "60 家门店的茶饮品牌，把点单搬进小程序",
        "merchant": "山野茶事",
        "provider": "杭州云栈科技有限公司",
        "industry": "tea-drinks",
        "city": "杭州",
        "products": ["mini-program", "payments"],
        "summary": "高峰期排队长、外卖平台抽成高，山野茶事用小程序点单和会员储值把六成订单转回自有渠道。",
        "metrics": metrics(
            ("小程序点单占比", "68", "%"),
            ("高峰出杯等待", "-35", "%"),
            ("会员 30 天复购率", "+22", "%"),
        ),
        "challenge": section(
            "<p>山野茶事在杭州有 60 家门店，午后和晚间高峰时收银台前常排十几个人。"
            "外卖平台的订单占到四成，但每单抽成让利润越来越薄，顾客数据也留在平台上。</p>"
        ),
        "solution": section(
            "<p>杭州云栈为品牌上线了到店自取与外送一体的点单小程序：顾客在排队前就能下单，"
            "门店按取餐号出杯；会员储值和积分与点单打通，储值顾客下单自动抵扣。</p>"
            "<p>支付采用服务商模式为每家门店开通特约商户，资金直接结算到门店，总部统一查看报表。</p>"
        )
        + [
            quote(
                "以前高峰期我们只能看着顾客走掉，现在一半顾客到店时茶已经在做了。",
                "山野茶事运营负责人",
            )
        ],
        "results": section(
            "<p>上线三个月后，小程序点单占比达到 68%，高峰期平均等待时间缩短约三分之一；"
            "储值会员的 30 天复购率比普通顾客高出 22 个百分点。</p>"
        ),
    },
    {
        "slug": "hk-cafe-qr-ordering",
        "title": "港式茶餐廳掃碼點餐：午市翻枱率提升 18%",
        "merchant": "華記冰室",
        "provider": "港灣餐飲科技（香港）有限公司",
        "industry": "hk-cafe",
        "city": "香港",
        "products": ["mini-program", "payments"],
        "summary": "午市人手不足、落單出錯多，華記冰室用枱號掃碼點餐和跨境支付，一個月內把翻枱率提升 18%。",
        "metrics": metrics(
            ("午市翻枱率", "+18", "%"), ("單日支付筆數", "+300", "%"), ("人手落單時間", "-60", "%")
        ),
        "challenge": section(
            "<p>華記冰室位於旺角，午市一小時內要接待上百位食客。夥計要落單、傳菜、收銀，"
            "高峰期經常寫錯單，內地遊客亦常因為沒有現金或本地卡而不便付款。</p>"
        ),
        "solution": section(
            "<p>港灣餐飲為冰室每張枱貼上枱號二維碼：食客掃碼即可睇繁體餐牌、落單和加單，"
            "單據直接送到水吧和廚房的出單機；埋單時支援本地及跨境錢包付款。</p>"
        ),
        "results": section(
            "<p>上線第一個月，午市翻枱率提升 18%，電子支付筆數增加三倍，夥計落單時間減少六成，"
            "可以把更多時間放在招呼熟客上。</p>"
        ),
    },
    {
        "slug": "sichuan-restaurant-chengdu",
        "title": "社区川菜馆的堂食与外卖一体化",
        "merchant": "巷子里川菜",
        "provider": "成都味道数字餐饮科技有限公司",
        "industry": "chinese-dining",
        "city": "成都",
        "products": ["mini-program"],
        "summary": "一家 12 张桌的社区川菜馆，用一个小程序同时管好堂食点餐和周边三公里外卖。",
        "metrics": metrics(("自有外卖订单", "+140", "%"), ("平台抽成支出", "-9,800", "元/月")),
        "challenge": section(
            "<p>巷子里川菜的老顾客大多住在周边小区，但外卖全部依赖平台，每月抽成接近一万元。"
            "店里只有一台收银机，堂食和外卖订单经常混在一起。</p>"
        ),
        "solution": section(
            "<p>服务商为餐馆上线了堂食扫码点餐和三公里内的自配送外卖，两类订单在同一个后台按来源区分，"
            "后厨出单时标明“堂食 / 外卖”。老顾客通过桌贴和外卖袋上的二维码加入会员。</p>"
        ),
        "results": section(
            "<p>三个月后，小程序外卖订单增长 140%，每月平台抽成减少约 9,800 元。</p>"
        ),
    },
    {
        "slug": "apparel-brand-own-mall",
        "title": "服饰品牌自营商城：直播间之外的第二增长曲线",
        "merchant": "南屿服饰",
        "provider": "深圳微店通信息技术有限公司",
        "industry": "apparel",
        "city": "深圳",
        "products": ["mini-program", "payments", "workplace"],
        "summary": "南屿服饰把直播间的观众沉淀到自营小程序商城和企业微信，上新首日销售额翻倍。",
        "metrics": metrics(
            ("自营渠道 GMV 占比", "31", "%"),
            ("上新首日销售额", "×2", ""),
            ("退货处理时长", "-50", "%"),
        ),
        "challenge": section(
            "<p>南屿服饰的销售高度依赖直播，直播结束后顾客就“消失”了，每次上新都要重新投流拉人。</p>"
        ),
        "solution": section(
            "<p>深圳微店通为品牌搭建了自营小程序商城，直播间挂载商城链接；顾客下单后由导购通过企业微信添加，"
            "按尺码和风格打标签，上新时分组通知。</p>"
        ),
        "results": section(
            "<p>半年后自营渠道贡献了 31% 的成交额，上新首日销售额是过去的两倍，"
            "退换货在商城内自助完成，处理时长缩短一半。</p>"
        ),
    },
    {
        "slug": "appliance-member-points-mall",
        "title": "家电品牌的会员积分商城",
        "merchant": "澄光电器",
        "provider": None,
        "industry": "home-appliances",
        "city": "宁波",
        "products": ["mini-program", "operations"],
        "summary": "家电购买周期长，澄光电器用延保登记和积分商城，让顾客在两次购买之间也愿意回来。",
        "metrics": metrics(("延保登记率", "54", "%"), ("积分兑换参与率", "37", "%")),
        "challenge": section(
            "<p>家电顾客平均三到五年才再次购买，品牌与顾客之间除了售后几乎没有联系。</p>"
        ),
        "solution": section(
            "<p>顾客扫描产品上的二维码即可在小程序登记延保，登记即成为会员并获得积分；"
            "积分可兑换滤芯、清洁服务等耗材和服务。</p>"
        ),
        "results": section(
            "<p>新购顾客的延保登记率达到 54%，其中 37% 在一年内参与过积分兑换。</p>"
        ),
    },
    {
        "slug": "housekeeping-booking-shanghai",
        "title": "社区家政预约：从电话派单到小程序自助预约",
        "merchant": "邻里到家家政",
        "provider": "上海邻里生活服务科技有限公司",
        "industry": "housekeeping",
        "city": "上海",
        "products": ["mini-program", "payments"],
        "summary": "邻里到家把电话预约改成小程序自助下单，阿姨排班和上门核销全部线上完成。",
        "metrics": metrics(
            ("预约履约率", "96", "%"), ("客服电话量", "-45", "%"), ("复购客户占比", "+19", "%")
        ),
        "challenge": section(
            "<p>邻里到家覆盖上海 30 多个小区，所有预约靠两名客服接电话、手工排班，周末经常漏单和撞单。</p>"
        ),
        "solution": section(
            "<p>服务商上线了家政预约小程序：顾客选择服务、时间和地址并预付定金，系统按阿姨的技能和距离自动排班；"
            "阿姨上门后扫码核销，服务完成后顾客评价并支付尾款。</p>"
        ),
        "results": section(
            "<p>预约履约率提高到 96%，客服电话量下降 45%，复购客户占比提升 19 个百分点。</p>"
        ),
    },
    {
        "slug": "laundry-chain-suzhou",
        "title": "连锁洗衣店的取送一体化",
        "merchant": "洁衣坊",
        "provider": None,
        "industry": "laundry",
        "city": "苏州",
        "products": ["mini-program", "workplace"],
        "summary": "洁衣坊用小程序预约上门取送，店员通过企业微信通知衣物进度，投诉量明显下降。",
        "metrics": metrics(("上门取送订单", "+85", "%"), ("进度咨询电话", "-60", "%")),
        "challenge": section("<p>顾客最常问的问题是“我的衣服洗好了吗”，门店每天要接大量电话。</p>"),
        "solution": section(
            "<p>顾客在小程序预约上门取衣，每件衣物有唯一编号；清洗、熨烫、送回各环节更新状态，"
            "店员通过企业微信把进度和取件提醒发给顾客。</p>"
        ),
        "results": section("<p>上门取送订单增长 85%，进度咨询电话减少六成。</p>"),
    },
    {
        "slug": "training-institute-wecom",
        "title": "企业培训机构的线索跟进与客户运营",
        "merchant": "知行企业学院",
        "provider": "北京企服云工具有限公司",
        "industry": "corporate-training",
        "city": "北京",
        "products": ["workplace", "operations"],
        "summary": "知行企业学院用企业微信承接活动报名线索，顾问按标签分层跟进，线索转化率提升 27%。",
        "metrics": metrics(("线索转化率", "+27", "%"), ("顾问离职客户流失", "0", "位")),
        "challenge": section(
            "<p>学院每月通过公开课获得数百条报名线索，但线索分散在顾问的个人微信里，"
            "跟进进度无法统计，顾问离职时客户也随之流失。</p>"
        ),
        "solution": section(
            "<p>北京企服云为学院配置了企业微信渠道活码，报名即添加顾问并打上课程意向标签；"
            "顾问按意向分层跟进，主管每周查看跟进漏斗。</p>"
        ),
        "results": section(
            "<p>线索转化率提升 27%，半年内两名顾问离职，他们的客户全部由同事继承，没有一位流失。</p>"
        ),
    },
    {
        "slug": "tax-accounting-service",
        "title": "财税代账公司的客户服务标准化",
        "merchant": "明账财税",
        "provider": None,
        "industry": "tax-accounting",
        "city": "广州",
        "products": ["workplace", "mini-program"],
        "summary": "明账财税把每月报税提醒、资料收集和账单确认放进小程序和企业微信，会计人均服务客户数提高四成。",
        "metrics": metrics(("会计人均服务客户", "+40", "%"), ("资料催收次数", "-55", "%")),
        "challenge": section(
            "<p>代账客户每月都要提交票据和确认报表，会计大量时间花在反复催要资料上。</p>"
        ),
        "solution": section(
            "<p>客户在小程序上传票据、查看报表并在线确认；企业微信按客户的申报期自动发送提醒，"
            "会计只处理真正需要沟通的问题。</p>"
        ),
        "results": section("<p>资料催收次数减少 55%，会计人均服务客户数提高约 40%。</p>"),
    },
    {
        "slug": "shift-scheduling-tool",
        "title": "门店排班工具：把排班时间从半天缩短到一小时",
        "merchant": "排班宝",
        "provider": "北京企服云工具有限公司",
        "industry": "productivity-tools",
        "city": "北京",
        "products": ["mini-program", "workplace"],
        "summary": "一款面向连锁门店的排班小程序，员工在企业微信里查看班表、换班和打卡。",
        "metrics": metrics(("店长排班耗时", "-70", "%"), ("换班审批时长", "-80", "%")),
        "challenge": section(
            "<p>连锁门店的店长每周要花半天用表格排班，员工换班靠群聊，容易出错也难以追溯。</p>"
        ),
        "solution": section(
            "<p>排班宝根据门店客流预测和员工可用时间生成排班建议，店长微调后一键发布；"
            "员工在企业微信中收到班表，换班申请在线审批。</p>"
        ),
        "results": section("<p>店长排班耗时减少约七成，换班审批从平均一天缩短到两小时以内。</p>"),
    },
    {
        "slug": "macau-souvenir-shop-payments",
        "title": "澳門手信店接入跨境支付：遊客付款不再排隊",
        "merchant": "濠江手信",
        "provider": "港灣餐飲科技（香港）有限公司",
        "industry": "self-operated",
        "city": "澳門",
        "products": ["payments", "mini-program"],
        "summary": "濠江手信為內地遊客提供掃碼付款和小程序預訂自取，節假日收銀排隊時間大幅縮短。",
        "metrics": metrics(("電子支付佔比", "72", "%"), ("節假日收銀等候", "-50", "%")),
        "challenge": section(
            "<p>濠江手信的顧客大多是內地遊客，節假日收銀台前排長隊，找換現金亦耗時。</p>"
        ),
        "solution": section(
            "<p>服務商為門店接入跨境支付，並上線小程序預訂：遊客可以在酒店先下單，到店直接取貨。</p>"
        ),
        "results": section("<p>電子支付佔比升至 72%，節假日收銀等候時間減半。</p>"),
    },
]
