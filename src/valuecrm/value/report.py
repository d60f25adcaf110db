"""The value report: every catalog metric in a baseline and a current period, judged by its
direction and tested where a test applies, with hours saved, per-capita efficiency, the
contract amount's drivers, initiatives and a bilingual narrative.

`value_report(...)` returns plain data (`ValueReport.as_dict()` is the JSON output); the
page, the print file and the XLSX are views of it. See docs/value-report.md.
"""

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.core.routing import analytics_reads
from valuecrm.metrics.catalog import SimpleMetric
from valuecrm.metrics.trees import as_floats, explain_tree
from valuecrm.org.scope import can_see_unit
from valuecrm.value import config
from valuecrm.value.labels import CATEGORIES, RELATIONS
from valuecrm.value.measure import DURATION_UNITS, Measurer, Period, is_duration, is_rate
from valuecrm.value.stats import median_interval, two_proportion_z_test

CENT = Decimal("0.01")


@dataclass
class Side:
    value: Decimal | None
    sample: int | None
    links: dict
    median: dict | None = None  # durations: {median, low, high, n, confidence}
    counts: tuple[int, int] | None = None  # rates: (successes, trials)


@dataclass
class MetricRow:
    key: str
    label: dict
    unit: str
    direction: str
    category: str
    relation: str
    kind: str
    baseline: Side
    current: Side
    change: Decimal | None
    relative_change: Decimal | None
    test: dict | None
    small_sample: bool
    verdict: str  # improved worsened no_clear_change unchanged not_judged inconclusive no_data


@dataclass
class ValueReport:
    baseline: dict
    current: dict
    org_unit: dict | None
    generated_for: str
    generated_at: str
    cost_per_hour: Decimal
    groups: list[dict]
    hours_saved: list[dict]
    total_hours_saved: Decimal
    total_money_saved: Decimal
    per_capita: MetricRow | None
    attribution: dict | None
    initiatives: list[dict]
    cycle: dict | None
    usage_by_team: dict
    narrative: dict = field(default_factory=dict)

    def rows(self) -> list[MetricRow]:
        return [row for group in self.groups for row in group["rows"]]

    def row(self, key: str) -> MetricRow:
        return next(r for r in self.rows() if r.key == key)

    def as_dict(self) -> dict:
        return _jsonable(asdict(self))


def _jsonable(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@analytics_reads()
def value_report(*, actor, baseline: Period, current: Period, org_unit=None, initiatives=None,
                 cycle=None) -> ValueReport:
    """The report for `actor`'s data scope (and `org_unit`'s subtree when given)."""
    from valuecrm.value.narrative import narrate
    from valuecrm.value.queries import cycle_progress, measure_initiative, usage_by_team

    for name, period in (("baseline", baseline), ("current", current)):
        if period.start > period.end:
            raise ValidationError({name: ["The end date is before the start date."]})
    if org_unit is not None and not can_see_unit(actor, org_unit):
        raise NotFound(f"org unit {org_unit.pk} not found")
    measurer = Measurer(actor, org_unit)
    rows = [metric_row(measurer, m, baseline, current)
            for m in measurer.catalog.metrics.values() if not m.hidden]
    hours = hours_saved(measurer, baseline, current)
    per_capita_key = config.per_capita_metric()
    report = ValueReport(
        baseline=baseline.as_dict(), current=current.as_dict(),
        org_unit={"id": org_unit.pk, "name": org_unit.name} if org_unit else None,
        generated_for=actor.get_username(), generated_at=timezone.now().isoformat(),
        cost_per_hour=config.cost_per_hour(), groups=_group(rows), hours_saved=hours,
        total_hours_saved=sum((h["hours_saved"] for h in hours), Decimal(0)),
        total_money_saved=sum((h["money"] for h in hours), Decimal(0)),
        per_capita=next((r for r in rows if r.key == per_capita_key), None),
        attribution=_attribution(actor, baseline, current, org_unit, measurer.catalog),
        initiatives=[measure_initiative(actor, i, baseline, current, measurer=measurer)
                     for i in (initiatives or [])],
        cycle=cycle_progress(actor, cycle, measurer=measurer) if cycle is not None else None,
        usage_by_team=usage_by_team(actor, current, org_unit, catalog=measurer.catalog),
    )
    report.narrative = narrate(report)
    return report


def metric_row(measurer: Measurer, metric, baseline: Period, current: Period) -> MetricRow:
    sides = []
    for period in (baseline, current):
        side = Side(measurer.value(metric, period), measurer.sample(metric, period),
                    measurer.links(metric, period))
        if is_rate(metric, measurer.catalog):
            side.counts = measurer.proportion(metric, period)
        if is_duration(metric):
            interval = median_interval(measurer.durations(metric, period))
            side.median = asdict(interval)
        sides.append(side)
    before, after = sides
    change = relative = None
    if before.value is not None and after.value is not None:
        change = after.value - before.value
        relative = change / before.value if before.value else None
    minimum = config.min_sample()
    samples = [s.sample for s in sides if s.sample is not None]
    small = bool(samples) and min(samples) < minimum
    test = _test(before, after)
    return MetricRow(
        key=metric.key, label=metric.label.model_dump(), unit=metric.unit,
        direction=metric.direction, category=metric.category, relation=metric.relation,
        kind=metric.kind, baseline=before, current=after, change=change,
        relative_change=relative, test=test, small_sample=small,
        verdict=_verdict(metric.direction, change, test, small))


def _test(before: Side, after: Side) -> dict | None:
    if before.counts and after.counts:
        result = two_proportion_z_test(*before.counts, *after.counts)
        return {"kind": "two_proportion_z", "z": result.z, "p_value": result.p_value,
                "significant": result.significant(config.SIGNIFICANCE)}
    if before.median and after.median:
        b, a = before.median, after.median
        if None in (b["low"], a["low"]):
            return {"kind": "median_interval", "clear": False}
        # Disjoint 95% intervals: a conservative test of a shift in the median.
        return {"kind": "median_interval",
                "clear": a["high"] < b["low"] or a["low"] > b["high"]}
    return None


def _verdict(direction, change, test, small) -> str:
    if change is None:
        return "no_data"
    if direction == "neutral":
        return "not_judged"
    if small:
        return "inconclusive"
    if change == 0:
        return "unchanged"
    if test is not None and not (test.get("significant") or test.get("clear")):
        return "no_clear_change"
    return "improved" if (change > 0) == (direction == "higher") else "worsened"


def _group(rows: list[MetricRow]) -> list[dict]:
    groups = []
    for category in CATEGORIES:
        for relation in RELATIONS:
            members = [r for r in rows if r.category == category and r.relation == relation]
            if members:
                groups.append({"category": category, "category_label": CATEGORIES[category],
                               "relation": relation, "relation_label": RELATIONS[relation],
                               "rows": members})
    return groups


def hours_saved(measurer: Measurer, baseline: Period, current: Period) -> list[dict]:
    """Per declared per-operation duration: (mean before - mean after) x operations now."""
    out = []
    for key, work_share in config.operation_durations().items():
        metric = measurer.catalog.metrics.get(key)
        if not (isinstance(metric, SimpleMetric) and is_duration(metric)):
            continue
        before, after = (measurer.durations(metric, p) for p in (baseline, current))
        if not before or not after:
            continue
        per_hour = DURATION_UNITS[metric.unit]
        mean_before = Decimal(repr(sum(before) / len(before)))
        mean_after = Decimal(repr(sum(after) / len(after)))
        hours = ((mean_before - mean_after) * per_hour * len(after)).quantize(CENT)
        money = (hours * work_share * config.cost_per_hour()).quantize(CENT, ROUND_HALF_UP)
        out.append({"key": key, "label": metric.label.model_dump(), "unit": metric.unit,
                    "mean_before": mean_before, "mean_after": mean_after,
                    "operations": len(after), "hours_saved": hours,
                    "work_share": work_share, "money": money,
                    "links": measurer.links(metric, current)})
    return out


def _attribution(actor, baseline, current, org_unit, catalog) -> dict | None:
    key = config.attribution_tree()
    if key not in catalog.trees:
        return None
    result = as_floats(explain_tree(user=actor, key=key, before=baseline.span,
                                    after=current.span, org=org_unit.pk if org_unit else None,
                                    catalog=catalog))
    for child in result["root"]["children"]:
        metric = catalog.metrics.get(child["metric"]) if child["metric"] else None
        child["labels"] = (metric.label.model_dump() if metric
                           else {"zh": child["label"], "en": child["label"]})
    return result
