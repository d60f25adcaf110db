"""What the demo company looks like and how its business behaves.

Every number that shapes the generated data lives here, so the built-in effects (channel
conversion, the speed-up after go-live, overdue payments) can be read and tuned in one place.
docs/demo.md reports the sizes these produce.
"""

from dataclasses import dataclass
from decimal import Decimal

DEMO_PASSWORD = "valuecrm-demo"
HISTORY_DAYS = 730  # two years up to the anchor date; go-live is half-way


@dataclass(frozen=True)
class Scale:
    leads: int
    batch: int  # rows per bulk insert / COPY flush


SCALES = {
    # "tiny" keeps the test suite fast; it has the same org, reference data and effects.
    "tiny": Scale(leads=500, batch=2000),
    "small": Scale(leads=5_000, batch=5000),
    "medium": Scale(leads=50_000, batch=10_000),
    "large": Scale(leads=1_000_000, batch=20_000),
}

COMPANY = "价值云科技有限公司"
# department name, code, [(team name, team code)]
DEPARTMENTS = [
    ("华东大区", "east", [("上海一组", "sh1"), ("上海二组", "sh2"), ("杭州组", "hz")]),
    ("华南大区", "south", [("广州组", "gz"), ("深圳组", "sz"), ("成都组", "cd")]),
    ("华北大区", "north", [("北京一组", "bj1"), ("北京二组", "bj2")]),
]
REPS_PER_TEAM = 6  # 8 teams x (manager + 6 reps) + 3 heads + admin + analyst = 61 users

# city, region label stored on records, department code, weight
CITIES = [
    ("上海", "上海市", "east", 14), ("杭州", "浙江省杭州市", "east", 7),
    ("宁波", "浙江省宁波市", "east", 3), ("南京", "江苏省南京市", "east", 5),
    ("苏州", "江苏省苏州市", "east", 6), ("无锡", "江苏省无锡市", "east", 3),
    ("合肥", "安徽省合肥市", "east", 3),
    ("广州", "广东省广州市", "south", 8), ("深圳", "广东省深圳市", "south", 9),
    ("东莞", "广东省东莞市", "south", 4), ("佛山", "广东省佛山市", "south", 3),
    ("厦门", "福建省厦门市", "south", 3), ("成都", "四川省成都市", "south", 5),
    ("重庆", "重庆市", "south", 4), ("长沙", "湖南省长沙市", "south", 3),
    ("北京", "北京市", "north", 12), ("天津", "天津市", "north", 4),
    ("济南", "山东省济南市", "north", 3), ("青岛", "山东省青岛市", "north", 3),
    ("郑州", "河南省郑州市", "north", 3), ("西安", "陕西省西安市", "north", 3),
    ("武汉", "湖北省武汉市", "north", 4),
]

# industry, words that go into company names, weight
INDUSTRIES = [
    ("制造业", ["精密机械", "智能装备", "电子科技", "新材料", "汽车零部件"], 26),
    ("批发零售", ["商贸", "供应链", "连锁超市", "进出口贸易"], 14),
    ("信息技术", ["信息技术", "软件", "网络科技", "数据服务"], 14),
    ("医疗健康", ["医疗器械", "生物科技", "医药"], 9),
    ("物流运输", ["物流", "国际货运", "仓储服务"], 8),
    ("建筑地产", ["建设工程", "建材", "物业管理"], 8),
    ("教育培训", ["教育科技", "职业培训"], 6),
    ("金融服务", ["融资租赁", "保险代理"], 5),
    ("餐饮酒店", ["餐饮管理", "酒店管理"], 5),
    ("能源化工", ["新能源", "化工"], 5),
]
LEGAL_SUFFIXES = [("有限公司", 75), ("股份有限公司", 15), ("集团有限公司", 10)]
# Two-character brand names are drawn from these, as Chinese company names usually are.
BRAND_CHARS = (
    "华泰瑞丰恒信达盛鑫源宏远锦程嘉禾天成明德汇通百川新创博越卓凯腾宇中科正弘"
    "安诺美佳润祥永晟致远同和万通金石晨光启航海纳云帆智联立信长青广域德邦君安"
)

# size tier, weight, seats range (licence quantity)
TIERS = [
    ("small", 45, (5, 20)),
    ("medium", 30, (20, 80)),
    ("large", 18, (80, 300)),
    ("enterprise", 7, (300, 1200)),
]


@dataclass(frozen=True)
class ChannelSpec:
    name: str
    code: str
    monthly_cost: Decimal
    share: float  # of all leads
    conversion: float  # chance a contacted lead becomes a customer (before go-live)
    big_deals: float  # weight multiplier for the large/enterprise tiers
    business_hours_only: bool


CHANNELS = [
    ChannelSpec("官网表单", "website", Decimal("8000"), 0.22, 0.15, 1.0, False),
    ChannelSpec("百度搜索推广", "baidu-sem", Decimal("60000"), 0.24, 0.08, 0.7, False),
    ChannelSpec("行业展会", "trade-show", Decimal("45000"), 0.10, 0.20, 1.8, True),
    ChannelSpec("客户转介绍", "referral", Decimal("3000"), 0.10, 0.36, 1.4, True),
    ChannelSpec("电话外呼", "outbound", Decimal("25000"), 0.16, 0.05, 0.8, True),
    ChannelSpec("微信公众号", "wechat", Decimal("12000"), 0.12, 0.10, 0.8, False),
    ChannelSpec("合作伙伴", "partner", Decimal("15000"), 0.06, 0.27, 1.5, True),
]

# name, sku, category, list price, unit
PRODUCTS = [
    ("CRM 标准版（每用户每年）", "CRM-STD", "软件订阅", Decimal("800.00")),
    ("CRM 专业版（每用户每年）", "CRM-PRO", "软件订阅", Decimal("1500.00")),
    ("CRM 企业版（每用户每年）", "CRM-ENT", "软件订阅", Decimal("2800.00")),
    ("BI 分析模块（每用户每年）", "ADD-BI", "增值模块", Decimal("600.00")),
    ("呼叫中心模块（每坐席每年）", "ADD-CALL", "增值模块", Decimal("1200.00")),
    ("营销自动化模块（每年）", "ADD-MKT", "增值模块", Decimal("36000.00")),
    ("实施服务（人天）", "SVC-IMPL", "专业服务", Decimal("2000.00")),
    ("定制开发（人天）", "SVC-DEV", "专业服务", Decimal("2500.00")),
    ("数据迁移（项目）", "SVC-MIGR", "专业服务", Decimal("30000.00")),
    ("培训（场）", "SVC-TRAIN", "专业服务", Decimal("8000.00")),
    ("移动销售终端", "HW-PDA", "硬件", Decimal("3200.00")),
    ("私有化部署服务器", "HW-SRV", "硬件", Decimal("68000.00")),
    ("年度运维服务（每年）", "SVC-MAINT", "运维服务", Decimal("20000.00")),
]
# The edition each tier usually buys.
EDITION_BY_TIER = {"small": "CRM-STD", "medium": "CRM-PRO", "large": "CRM-PRO",
                   "enterprise": "CRM-ENT"}
DISCOUNTS_BY_TIER = {"small": [0, 0, 5], "medium": [0, 5, 8, 10], "large": [5, 10, 12, 15],
                     "enterprise": [10, 15, 18, 20]}

TAGS = {
    "客户等级": [("A类客户", "#ee6666"), ("B类客户", "#fac858"), ("C类客户", "#91cc75")],
    "意向程度": [("高意向", "#ee6666"), ("中意向", "#fac858"), ("低意向", "#73c0de")],
    "客户特征": [("重点客户", "#9a60b4"), ("价格敏感", "#fc8452"), ("决策链长", "#3ba272"),
             ("竞品在用", "#5470c6")],
}
GRADE_BY_TIER = {"small": "C类客户", "medium": "B类客户", "large": "A类客户",
                 "enterprise": "A类客户"}

# Leads per month relative to the average: Spring Festival (Jan/Feb) and National Day (Oct)
# are quiet, spring and autumn are busy.
MONTH_FACTOR = [0.85, 0.55, 1.15, 1.12, 1.0, 1.05, 0.92, 0.9, 1.1, 0.82, 1.18, 1.1]
WEEKDAY_FACTOR = [1.0, 1.05, 1.05, 1.0, 0.95, 0.25, 0.15]
GROWTH_OVER_HISTORY = 0.25  # lead volume is this much higher at the end than at the start


@dataclass(frozen=True)
class Era:
    """How work is done in one era: before the CRM went live, or after."""

    assign_hours: float  # median time from a lead's arrival to its assignment
    first_contact_hours: float  # median time from assignment to first contact
    convert_days: float  # median time from first contact to conversion
    conversion_factor: float  # multiplies a channel's conversion rate
    stage_speed: float  # multiplies the median days in every stage
    advance_bonus: float  # added to the chance of moving to the next stage
    log_share: float  # share of calls, visits and emails that get logged
    renewal_rate: float
    payment_delay_days: float  # median days a payment arrives after its due date


BEFORE = Era(assign_hours=5, first_contact_hours=22, convert_days=10, conversion_factor=1.0,
             stage_speed=1.0, advance_bonus=0.0, log_share=0.5, renewal_rate=0.72,
             payment_delay_days=9)
AFTER = Era(assign_hours=0.3, first_contact_hours=2.5, convert_days=6, conversion_factor=1.3,
            stage_speed=0.6, advance_bonus=0.05, log_share=0.95, renewal_rate=0.85,
            payment_delay_days=4)

# Median days in each open stage (before go-live) and the chance to move on from it.
STAGE_DAYS = [6, 10, 14, 9]
STAGE_ADVANCE = [0.72, 0.74, 0.7, 0.72]
STALL_CHANCE, STALL_FACTOR = 0.15, 15  # stalled deals stay 15 times as long in each stage
TYPE_LABELS = {"new": "新签", "renewal": "续费", "upsell": "增购"}
LOST_REASONS = ["价格偏高", "选择了竞品", "预算取消", "需求变更", "决策推迟", "联系不上决策人"]
DISQUALIFY_REASONS = ["无预算", "非目标客户", "联系方式无效", "重复线索", "仅咨询，无采购计划"]
CONTACT_TITLES = ["总经理", "副总经理", "销售总监", "IT 经理", "采购经理", "运营总监", "财务经理",
                  "信息化负责人", "市场经理"]
BAD_DEBT_SHARE = 0.03  # payment plans that are never paid
ACCOUNT_TOUCH_DAYS = 5  # median days between touches of a customer with a live contract
LEGACY_CUSTOMER_SHARE = 0.03  # customers (per lead) already under contract before the history
UPSELL_CHANCE = 0.2  # per contract year
POOL_SHARE = 0.6  # stale prospects that were returned to the public pool
# Each department's public pool and its recycle rules (kind, days).
POOL_SETTINGS = {"daily_claim_limit": 10, "max_held": 150, "reclaim_cooldown_days": 30,
                 "warn_days": 7}
RECYCLE_RULES = [("no_activity", 90), ("not_won", 365)]
MAX_OPEN_LEADS = 80  # per rep, for the departments' assignment rules

SUBJECTS = {
    "call": ["电话沟通需求", "跟进方案反馈", "确认报价细节", "约访决策人", "回款提醒", "续约沟通"],
    "visit": ["上门拜访", "现场产品演示", "技术交流", "高层拜访"],
    "meeting": ["线上会议演示", "方案评审会", "合同条款沟通会"],
    "email": ["发送产品资料", "发送方案和报价", "发送合同草稿"],
}
OUTCOMES = ["客户有兴趣，约下次沟通", "需求已明确", "客户在内部评估", "等待预算审批",
            "已推进到下一步", "客户暂时不方便", "对价格有顾虑"]

# -- order delivery (delivery app) -------------------------------------------------------
# Orders come from the lines of new and upsell contracts (renewals ship nothing). Median days
# spent in each stage before go-live; procurement waits for the suppliers, so it is the
# bottleneck. After go-live every stage takes DELIVERY_SPEED_AFTER of its time.
ORDER_STAGE_DAYS = {"placed": 0.25, "contract_effective": 0.5, "production": 1.0,
                    "shipped": 0.7}
DELIVERY_SPEED_AFTER = 0.65
PROCUREMENT_EXTRA_DAYS = 0.3  # from the last supplier delivery to leaving procurement
# Order modifications: chances of 0, 1, 2, 3 changes; each one stretches procurement and
# production by MODIFICATION_DELAY (re-quoting, re-planning).
MODIFICATION_WEIGHTS = [55, 25, 12, 8]
MODIFICATION_DELAY = 0.7
REWORK_CHANCE = 0.06  # production sends the order back to procurement
DEFECT_SHARE = (0.04, 0.02)  # share of units failing inspection, before / after go-live
DEFECT_REASONS = ["外观划伤", "尺寸偏差", "功能测试失败", "包装破损", "配件缺失"]
RETURN_CHANCE = (0.04, 0.30)  # per order without / with failed units at inspection
RETURN_REASONS = ["质量问题", "型号不符", "运输损坏", "客户取消"]
# name, code, chance of delivering by the promised date, chance of filling in the tracking
# number (before go-live; after it both improve by SUPPLIER_GAIN_AFTER), promised days
SUPPLIERS = [
    ("华强电子元件有限公司", "HQ", 0.80, 0.97, 2),
    ("顺达精密制造有限公司", "SD", 0.65, 0.90, 3),
    ("宏远包装材料有限公司", "HY", 0.55, 0.30, 2),
    ("金桥工业设备有限公司", "JQ", 0.75, 0.93, 3),
    ("东方电子配件有限公司", "DF", 0.50, 0.15, 2),
]
SUPPLIER_GAIN_AFTER = 0.2
LOGISTICS = ["顺丰速运", "京东物流", "中通快递", "德邦物流", "圆通速递"]
# -- Usage of the system (from go-live) and approvals ----------------------------------------
# Share of people who use ValueCRM on a working day: from the first week to four months in.
USAGE_ACTIVE_START, USAGE_ACTIVE_END, USAGE_RAMP_DAYS = 0.45, 0.9, 120
# Feature -> (days after go-live it was released, chance a person uses it on an active day
# once they have adopted it, mean days from release to a person's adoption).
USAGE_FEATURES = {
    "workbench": (0, 0.3, 3), "leads": (0, 0.5, 5), "customers": (0, 0.35, 10),
    "activities": (0, 0.45, 7), "opportunities": (0, 0.3, 15), "contracts": (0, 0.12, 20),
    "kanban": (30, 0.2, 30), "pool": (0, 0.1, 40), "search": (0, 0.2, 10),
    "reports": (0, 0.08, 45), "approvals": (0, 0.06, 20), "focus": (90, 0.25, 30),
    "saved_views": (120, 0.05, 60), "dedup": (60, 0.03, 60), "import": (0, 0.01, 90),
    "export": (0, 0.02, 60),
}
# Teams that leave useful features unused (so the usage report has something to say).
USAGE_TEAM_GAPS = {"gz": {"pool", "focus"}, "bj2": {"kanban", "reports", "search"}}
# Managers and heads look at reports and approvals far more than reps do.
USAGE_LEADER_BOOST = {"reports": 4.0, "approvals": 5.0}

# Approval flows: (name, from amount, from discount %, steps of (name, role, SLA hours)).
APPROVAL_FLOWS = [
    ("大额合同审批", Decimal("200000"), None,
     [("经理审批", "manager", 24), ("总监审批", "department_head", 24)]),
    ("折扣审批", None, Decimal("15"), [("经理审批", "manager", 24)]),
]
# Median hours a step waits for its approver and is then handled, before/after go-live
# (paper and chat approvals before; the inbox and reminders after).
APPROVAL_WAIT_HOURS = (20.0, 3.0)
APPROVAL_HANDLE_HOURS = (2.0, 0.5)
