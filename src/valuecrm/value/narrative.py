"""Short sentences in Chinese and English, generated from the report's numbers only.

Rates and durations say whether their change is significant; a small sample or a change
the test cannot tell from noise is said so, never counted as an improvement."""

from decimal import Decimal

from valuecrm.value.labels import UNITS

NARRATED_CATEGORIES = ("efficiency", "usage", "data_quality")


def fmt(value, unit: str, lang: str) -> str:
    if value is None:
        return "—"
    value = float(value)
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "CNY":
        return f"¥{value:,.0f}"
    number = f"{value:,.0f}" if value == int(value) and abs(value) >= 1 else f"{value:,.1f}"
    word = UNITS.get(unit, {"zh": unit, "en": unit})[lang]
    return f"{number} {word}".strip()


def pct(value) -> str:
    return f"{float(value) * 100:+.0f}%"


def narrate(report) -> dict:
    zh, en = [], []
    for row in report.rows():
        if row.test is not None or row.category in NARRATED_CATEGORIES:
            pair = _row(row)
            if pair:
                zh.append(pair[0])
                en.append(pair[1])
    for pair in (*map(_hours, report.hours_saved), _per_capita(report.per_capita),
                 _attribution(report.attribution), *map(_initiative, report.initiatives),
                 _cycle(report.cycle)):
        if pair:
            zh.append(pair[0])
            en.append(pair[1])
    return {"zh": zh, "en": en}


def _row(row):
    zh_label, en_label = row.label["zh"], row.label["en"]
    if row.verdict in ("no_data", "not_judged", "unchanged"):
        return None
    if row.verdict == "inconclusive":
        n = min(s.sample for s in (row.baseline, row.current) if s.sample is not None)
        return (f"{zh_label}样本过小（{n} 条），暂不下结论。",
                f"Too few records behind {en_label} ({n}): no conclusion yet.")
    if row.test and row.test["kind"] == "median_interval":
        return _median_sentence(row)
    before, after = row.baseline.value, row.current.value
    b_zh, a_zh = fmt(before, row.unit, "zh"), fmt(after, row.unit, "zh")
    b_en, a_en = fmt(before, row.unit, "en"), fmt(after, row.unit, "en")
    if row.unit == "ratio":
        change_zh = f"{float(row.change) * 100:+.1f} 个百分点"
        change_en = f"{float(row.change) * 100:+.1f} points"
    else:
        change_zh = change_en = pct(row.relative_change) if row.relative_change else "—"
    p = row.test.get("p_value") if row.test else None
    p_text = f"p={p:.3f}" if p is not None else ""
    if row.verdict == "no_clear_change":
        return (f"{zh_label}由 {b_zh} 变为 {a_zh}，变化不显著（{p_text or '无法检验'}），"
                f"不计为改善。",
                f"{en_label} moved from {b_en} to {a_en}, not a significant change "
                f"({p_text.replace('=', ' = ') or 'no test possible'}); not counted as an "
                f"improvement.")
    up = row.change > 0
    zh_verb, en_verb = ("升至", "rose") if up else ("降至", "fell")
    zh_extra = f"，{p_text}" if p_text else ""
    en_extra = f", {p_text.replace('=', ' = ')}" if p_text else ""
    return (f"{zh_label}由 {b_zh} {zh_verb} {a_zh}（{change_zh}{zh_extra}）。",
            f"{en_label} {en_verb} from {b_en} to {a_en} ({change_en}{en_extra}).")


def _median_sentence(row):
    b, a = row.baseline.median["median"], row.current.median["median"]
    zh_label = row.label["zh"] if "中位数" in row.label["zh"] else row.label["zh"] + "中位数"
    en_label = row.label["en"]
    en_subject = en_label if "median" in en_label.lower() else f"Median {en_label.lower()}"
    b_zh, a_zh = fmt(b, row.unit, "zh"), fmt(a, row.unit, "zh")
    b_en, a_en = fmt(b, row.unit, "en"), fmt(a, row.unit, "en")
    if row.verdict == "no_clear_change" or not b:
        return (f"{zh_label}由 {b_zh} 变为 {a_zh}，95% 区间重叠，不计为改善。",
                f"{en_subject} moved from {b_en} to {a_en}; the 95% intervals overlap, so "
                f"it is not counted as an improvement.")
    change = pct((Decimal(repr(a)) - Decimal(repr(b))) / Decimal(repr(b)))
    zh_verb, en_verb = ("降至", "fell") if a < b else ("升至", "rose")
    return (f"{zh_label}由 {b_zh} {zh_verb} {a_zh}（{change}）。",
            f"{en_subject} {en_verb} from {b_en} to {a_en} ({change}).")


def _hours(item):
    hours = float(item["hours_saved"])
    delta = item["mean_before"] - item["mean_after"]
    per_op_zh, per_op_en = fmt(abs(delta), item["unit"], "zh"), fmt(abs(delta), item["unit"], "en")
    money_zh = (f"，折合 ¥{float(item['money']):,.0f}" if item["work_share"]
                else "（等待时间，不折算金额）")
    money_en = (f", worth ¥{float(item['money']):,.0f}" if item["work_share"]
                else " (waiting time, not valued in money)")
    if hours < 0:
        return (f"{item['label']['zh']}：每次反而延长 {per_op_zh} × {item['operations']} 次，"
                f"多用 {-hours:,.0f} 小时{money_zh}。",
                f"{item['label']['en']}: {per_op_en} more per operation x "
                f"{item['operations']} = {-hours:,.0f} hours lost{money_en}.")
    return (f"{item['label']['zh']}：每次缩短 {per_op_zh} × {item['operations']} 次，"
            f"共节省 {hours:,.0f} 小时{money_zh}。",
            f"{item['label']['en']}: {per_op_en} less per operation x {item['operations']} "
            f"= {hours:,.0f} hours saved{money_en}.")


def _per_capita(row):
    if row is None or row.change is None:
        return None
    named = "" if row.label["zh"] == "人效" else f"（{row.label['zh']}）"
    return (f"人效{named}由 {fmt(row.baseline.value, row.unit, 'zh')} 变为 "
            f"{fmt(row.current.value, row.unit, 'zh')}"
            f"（{pct(row.relative_change) if row.relative_change else '—'}）。",
            f"Per-capita efficiency ({row.label['en']}) went from "
            f"{fmt(row.baseline.value, row.unit, 'en')} to "
            f"{fmt(row.current.value, row.unit, 'en')}"
            f" ({pct(row.relative_change) if row.relative_change else '—'}).")


def _attribution(result):
    if not result or result.get("change") is None:
        return None
    parts_zh, parts_en = [], []
    for child in result["root"]["children"]:
        if child.get("contribution") is None:
            continue
        amount = f"{child['contribution']:+,.0f}"
        parts_zh.append(f"{child['labels']['zh']} {amount}")
        parts_en.append(f"{child['labels']['en']} {amount}")
    if not parts_zh:
        return None
    change = f"{result['change']:+,.0f}"
    return (f"{result['label']['zh']}：变化 {change}，其中" + "，".join(parts_zh) + "。",
            f"{result['label']['en']}: change {change}, of which " + ", ".join(parts_en) + ".")


def _initiative(item):
    if not item["metrics"]:
        return None
    zh, en = [], []
    for m in item["metrics"]:
        measured = pct(m["measured_change"]) if m["measured_change"] is not None else "—"
        zh.append(f"{m['label']['zh']}预期 {pct(m['expected_change'])}，实测 {measured}")
        en.append(f"{m['label']['en']} expected {pct(m['expected_change'])}, "
                  f"measured {measured}")
    if item["drift"]:
        return (f"举措「{item['name']}」：" + "；".join(zh) + "，未达预期。",
                f"Initiative “{item['name']}”: " + "; ".join(en) + " — short of the estimate.")
    return (f"举措「{item['name']}」：" + "；".join(zh) + "，达到预期。",
            f"Initiative “{item['name']}”: " + "; ".join(en) + " — as estimated.")


def _cycle(cycle):
    if not cycle:
        return None
    if cycle["status"] == "achieved":
        return (f"运营周期「{cycle['name']}」的目标已连续保持 {cycle['hold_days']} 天，"
                f"于 {cycle['achieved_on']} 达成。",
                f"Operations cycle “{cycle['name']}” held its targets for "
                f"{cycle['hold_days']} days and was achieved on {cycle['achieved_on']}.")
    status_zh = {"running": "进行中", "missed": "未达成", "planned": "未开始"}[cycle["status"]]
    return (f"运营周期「{cycle['name']}」{status_zh}。",
            f"Operations cycle “{cycle['name']}” is {cycle['status']}.")
