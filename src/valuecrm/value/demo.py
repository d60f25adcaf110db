"""The demo company's requirements, initiatives and operations cycles, consistent with the
effects built into its data (demo/params.py): assignment and first contact got faster and
more calls are logged after go-live, and nothing changed how often leads carry an email, so
the initiative that promised that shows drift in the value report."""

from datetime import timedelta
from decimal import Decimal

from valuecrm.value.actions import create_cycle, create_initiative, create_requirement

REQUIREMENTS = [
    # key, title, kind, urgent, important, kano, business goal, metric
    ("assign", "线索自动分配与首响提醒", "essential", True, True, "must_be", "提高线索转化",
     "median_first_response_hours"),
    ("mobile", "移动端快速记录通话和拜访", "essential", False, True, "performance",
     "过程透明", "calls_per_rep"),
    ("email", "线索录入时提醒补全邮箱", "essential", False, True, "attractive", "数据完整",
     "lead_email_fill_rate"),
    ("discount", "折扣审批收紧", "core", False, True, "performance", "提高客单价",
     "avg_contract_size"),
    ("export", "上海一组：自定义客户导出模板", "personalised", False, False, "indifferent", "",
     ""),
]


def build_value_demo(*, timeline, admin) -> int:
    """Write the planning records through the actions, as the admin; returns how many."""
    live = timeline.go_live
    reqs = {key: create_requirement(actor=admin, title=title, kind=kind, urgent=urgent,
                                    important=important, kano=kano, business_goal=goal,
                                    metric_key=metric,
                                    status="shipped" if key in ("assign", "mobile", "email")
                                    else "proposed")
            for key, title, kind, urgent, important, kano, goal, metric in REQUIREMENTS}
    assign = create_initiative(
        actor=admin, name="线索自动分配与首响提醒上线", launch_date=live,
        background="线索靠主管手工分配，首次联系平均超过一天。", goal="首响中位数降低六成。",
        metrics={"median_first_response_hours": Decimal("-0.6")},
        requirement_ids=[reqs["assign"].pk], estimated_value=Decimal("300000"))
    mobile = create_initiative(
        actor=admin, name="移动端通话记录", launch_date=live,
        background="一半的通话没有记录，管理看不到过程。", goal="人均记录通话翻倍。",
        metrics={"calls_per_rep": Decimal("0.8")}, requirement_ids=[reqs["mobile"].pk],
        estimated_value=Decimal("120000"))
    email = create_initiative(
        actor=admin, name="线索邮箱必填提醒", launch_date=live + timedelta(days=91),
        background="四成线索没有邮箱，营销邮件触达不到。", goal="邮箱填写率提高两成。",
        metrics={"lead_email_fill_rate": Decimal("0.2")}, requirement_ids=[reqs["email"].pk],
        estimated_value=Decimal("80000"))
    create_cycle(actor=admin, name="上线首季：首响提速", start=live,
                 end=live + timedelta(days=90), goal="首响中位数不超过 12 小时并保持四周。",
                 targets={"median_first_response_hours": Decimal("12")},
                 initiative_ids=[assign.pk, mobile.pk], hold_days=28)
    create_cycle(actor=admin, name="第二季：线索信息完整", start=live + timedelta(days=91),
                 end=live + timedelta(days=181), goal="线索邮箱填写率达到 90% 并保持四周。",
                 targets={"lead_email_fill_rate": Decimal("0.9")},
                 initiative_ids=[email.pk], hold_days=28)
    return len(reqs) + 3 + 2
