"""Names of the catalog's categories and relations, in both languages (the report carries
both so a Chinese and an English reader get the same file)."""

CATEGORIES = {
    "business_outcome": {"zh": "业务结果", "en": "Business outcome"},
    "workload": {"zh": "作业量", "en": "Workload"},
    "usage": {"zh": "系统使用", "en": "Usage"},
    "efficiency": {"zh": "作业效率", "en": "Efficiency"},
    "data_quality": {"zh": "数据质量与透明", "en": "Data quality and transparency"},
}
RELATIONS = {
    "direct": {"zh": "系统直接带来", "en": "Direct"},
    "positive_correlation": {"zh": "正相关", "en": "Positive correlation"},
    "transparency": {"zh": "仅提供透明", "en": "Transparency only"},
    "unclear": {"zh": "关系不明确", "en": "Unclear"},
}
VERDICTS = {
    "improved": {"zh": "改善", "en": "Improved"},
    "worsened": {"zh": "变差", "en": "Worsened"},
    "no_clear_change": {"zh": "无显著变化", "en": "No clear change"},
    "unchanged": {"zh": "持平", "en": "Unchanged"},
    "not_judged": {"zh": "不评判", "en": "Not judged"},
    "inconclusive": {"zh": "样本过小", "en": "Sample too small"},
    "no_data": {"zh": "无数据", "en": "No data"},
}
UNITS = {
    "hours": {"zh": "小时", "en": "h"}, "days": {"zh": "天", "en": "days"},
    "minutes": {"zh": "分钟", "en": "min"}, "seconds": {"zh": "秒", "en": "s"},
    "people": {"zh": "人", "en": "people"}, "count": {"zh": "", "en": ""},
}
HEADINGS = {
    "title": {"zh": "价值报告", "en": "Value report"},
    "baseline": {"zh": "基期", "en": "Baseline"},
    "current": {"zh": "对比期", "en": "Current"},
    "scope": {"zh": "范围", "en": "Scope"},
    "summary": {"zh": "结论", "en": "Summary"},
    "metric": {"zh": "指标", "en": "Metric"},
    "change": {"zh": "变化", "en": "Change"},
    "test": {"zh": "检验", "en": "Test"},
    "verdict": {"zh": "判断", "en": "Verdict"},
    "n": {"zh": "样本", "en": "n"},
    "records": {"zh": "明细", "en": "Records"},
    "hours": {"zh": "节省工时", "en": "Hours saved"},
    "operations": {"zh": "次数", "en": "Operations"},
    "money": {"zh": "折合金额", "en": "Money"},
    "cost_per_hour": {"zh": "每小时成本", "en": "Cost per hour"},
    "attribution": {"zh": "签约额归因", "en": "Contract amount attribution"},
    "contribution": {"zh": "贡献", "en": "Contribution"},
    "initiatives": {"zh": "举措：预期与实测", "en": "Initiatives: expected vs measured"},
    "expected": {"zh": "预期", "en": "Expected"},
    "measured": {"zh": "实测", "en": "Measured"},
    "drift": {"zh": "未达预期", "en": "Short of estimate"},
    "on_track": {"zh": "达到预期", "en": "As estimated"},
    "usage": {"zh": "各团队使用情况", "en": "Usage by team"},
    "no_usage": {"zh": "目录中尚无按团队拆分的使用指标。", "en":
                 "No usage metric with a team dimension in the catalog yet."},
    "cycle": {"zh": "运营周期", "en": "Operations cycle"},
    "small": {"zh": "样本过小", "en": "small sample"},
    "method": {"zh": "比率用双比例 z 检验（p<0.05 为显著），时长比较中位数及其 95% 置信区间"
                     "（区间不重叠为明显变化）；样本少于阈值的不下结论。", "en":
               "Rates: two-proportion z-test (significant at p < 0.05); durations: medians "
               "with 95% order-statistic intervals (a clear change when they do not overlap); "
               "samples under the threshold are not judged."},
    "print": {"zh": "打印 / 存为 PDF", "en": "Print / save as PDF"},
    "show": {"zh": "生成报告", "en": "Show report"},
    "org": {"zh": "组织节点", "en": "Org unit"},
    "all": {"zh": "全部可见范围", "en": "All I can see"},
}
