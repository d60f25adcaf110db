"""Reads of the value app: the requirement backlog ranked by alignment, initiatives measured
before and after launch, operations cycles and whether their targets held, usage by team."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from valuecrm.metrics.catalog import get_catalog
from valuecrm.metrics.models import Target
from valuecrm.metrics.queries import metric_values
from valuecrm.value import config
from valuecrm.value.measure import Measurer, Period
from valuecrm.value.models import Initiative, OperationsCycle, Requirement

# Alignment score weights (docs/value-report.md explains the formula).
LINK = {"target": Decimal("1.0"), "driver": Decimal("0.7"), "metric": Decimal("0.3"),
        "goal_text": Decimal("0.1"), "none": Decimal(0)}
RELATION = {"direct": Decimal("1.0"), "positive_correlation": Decimal("0.8"),
            "transparency": Decimal("0.6"), "unclear": Decimal("0.4")}
PRIORITY = {"do_first": Decimal("1.0"), "plan": Decimal("0.8"), "delegate": Decimal("0.6"),
            "drop": Decimal("0.4")}
KANO = {"must_be": Decimal("1.0"), "performance": Decimal("1.0"),
        "attractive": Decimal("0.8"), "indifferent": Decimal("0.3"), "reverse": Decimal(0)}
KIND = {"essential": Decimal("1.0"), "core": Decimal("1.0"), "personalised": Decimal("0.7")}


def current_target_keys(today=None) -> set[str]:
    """Metrics with a target for today: metric targets and running cycles' targets."""
    today = today or timezone.localdate()
    keys = set(Target.objects.filter(start__lte=today, end__gte=today)
               .values_list("metric_key", flat=True))
    keys |= set(OperationsCycle.objects.filter(start__lte=today, end__gte=today)
                .values_list("targets__metric_key", flat=True))
    keys.discard(None)
    return keys


def _drivers(catalog, targeted: set[str]) -> set[str]:
    """Metrics in a tree below a node whose metric has a target."""
    found = set()

    def walk(node, under_target):
        here = under_target or node.metric in targeted
        for child in node.children:
            if here and child.metric:
                found.add(child.metric)
            walk(child, here)

    for tree in catalog.trees.values():
        walk(tree.root, False)
    return found


def alignment(requirement: Requirement, targeted: set[str], drivers: set[str],
              catalog) -> tuple[Decimal, str]:
    """100 x link x relation x priority x KANO x type, and the link's name."""
    key = requirement.metric_key
    if key and key in targeted:
        link = "target"
    elif key and key in drivers:
        link = "driver"
    elif key:
        link = "metric"
    else:
        link = "goal_text" if requirement.business_goal.strip() else "none"
    metric = catalog.metrics.get(key) if key else None
    score = (Decimal(100) * LINK[link] * (RELATION[metric.relation] if metric else 1)
             * PRIORITY[requirement.quadrant] * KANO[requirement.kano] * KIND[requirement.kind])
    return score.quantize(Decimal("0.1")), link


def requirement_backlog(*, actor, today=None) -> list[dict]:
    """The actor's visible requirements, best aligned with today's targets first."""
    catalog = get_catalog()
    targeted = current_target_keys(today)
    drivers = _drivers(catalog, targeted)
    items = []
    for req in Requirement.objects.visible_to(actor).select_related("owner", "unit"):
        score, link = alignment(req, targeted, drivers, catalog)
        items.append({"requirement": req, "alignment": score, "link": link,
                      "quadrant": req.quadrant, "no_business_goal": not req.has_business_goal})
    items.sort(key=lambda i: (-i["alignment"], i["requirement"].pk))
    return items


def launch_periods(initiative: Initiative, today=None) -> tuple[Period, Period] | None:
    """The `measure_days` before launch and after it (up to yesterday); None before launch."""
    today = today or timezone.localdate()
    days = timedelta(days=initiative.measure_days)
    launch = initiative.launch_date
    if launch >= today:
        return None
    return (Period(launch - days, launch - timedelta(days=1)),
            Period(launch, min(launch + days - timedelta(days=1), today - timedelta(days=1))))


def measure_initiative(actor, initiative: Initiative, before: Period | None = None,
                       after: Period | None = None, *, measurer=None) -> dict:
    """Each expected metric's measured change between `before` and `after` (default: around
    the launch), the share of the expected change achieved, and drift."""
    from valuecrm.value.report import metric_row

    if before is None or after is None:
        periods = launch_periods(initiative)
        if periods is None:
            return _initiative_out(initiative, None, None, [], measuring=False)
        before, after = periods
    measurer = measurer or Measurer(actor)
    tolerance = config.drift_tolerance()
    metrics = []
    for expected in initiative.metrics.all():
        metric = measurer.catalog.metrics.get(expected.metric_key)
        if metric is None:
            continue
        row = metric_row(measurer, metric, before, after)
        share = (row.relative_change / expected.expected_change
                 if row.relative_change is not None else None)
        metrics.append({"key": metric.key, "label": metric.label.model_dump(),
                        "expected_change": expected.expected_change,
                        "measured_change": row.relative_change, "achieved_share": share,
                        "before": row.baseline.value, "after": row.current.value,
                        "verdict": row.verdict, "test": row.test,
                        "drift": share is None or share < tolerance,
                        "links": row.current.links})
    return _initiative_out(initiative, before, after, metrics, measuring=True)


def _initiative_out(initiative, before, after, metrics, *, measuring) -> dict:
    shares = [m["achieved_share"] for m in metrics if m["achieved_share"] is not None]
    realised = None
    if initiative.estimated_value is not None and shares:
        share = min(max(sum(shares) / len(shares), Decimal(0)), Decimal(1))
        realised = (initiative.estimated_value * share).quantize(Decimal("0.01"))
    return {"id": initiative.pk, "name": initiative.name,
            "launch_date": initiative.launch_date.isoformat(),
            "estimated_value": initiative.estimated_value, "realised_value": realised,
            "before": before.as_dict() if before else None,
            "after": after.as_dict() if after else None, "measuring": measuring,
            "metrics": metrics, "drift": any(m["drift"] for m in metrics)}


def initiative_results(*, actor, today=None) -> list[dict]:
    return [measure_initiative(actor, i) for i in
            Initiative.objects.visible_to(actor).prefetch_related("metrics")]


def cycle_progress(actor, cycle: OperationsCycle, *, measurer=None, today=None) -> dict:
    """Whether the cycle's targets held: each target's metric over a window of `hold_days`
    ending each week of the cycle; achieved at the end of the first window in which every
    target held (a window, not single weeks, so a lucky week of few records cannot count)."""
    today = today or timezone.localdate()
    measurer = measurer or Measurer(actor)
    last_day = min(cycle.end, today - timedelta(days=1))
    hold = timedelta(days=cycle.hold_days - 1)
    ends = []
    day = cycle.start + hold
    while day <= last_day:
        ends.append(day)
        day += timedelta(days=7)
    out = {"id": cycle.pk, "name": cycle.name, "start": cycle.start.isoformat(),
           "end": cycle.end.isoformat(), "hold_days": cycle.hold_days, "targets": [],
           "initiatives": [i.name for i in cycle.initiatives.all()], "achieved_on": None}
    held = [True] * len(ends)
    for target in cycle.targets.all():
        metric = measurer.catalog.metrics.get(target.metric_key)
        if metric is None:
            continue
        values = [measurer.value(metric, Period(e - hold, e)) for e in ends]
        lower = metric.direction == "lower"
        for i, v in enumerate(values):
            held[i] = held[i] and v is not None and (
                v <= target.target if lower else v >= target.target)
        out["targets"].append({"key": metric.key, "label": metric.label.model_dump(),
                               "target": target.target, "direction": metric.direction,
                               "first": values[0] if values else None,
                               "last": values[-1] if values else None,
                               "windows": [(e.isoformat(), v) for e, v in zip(
                                   ends, values, strict=True)]})
    achieved = [e for e, ok in zip(ends, held, strict=True) if ok and out["targets"]]
    out["achieved_on"] = achieved[0].isoformat() if achieved else None
    out["status"] = ("achieved" if achieved else "planned" if cycle.start >= today
                     else "running" if cycle.end >= today else "missed")
    return out


def cycle_list(*, actor) -> list[dict]:
    """Cycles in order: how operations improved step by step."""
    measurer = Measurer(actor)
    return [cycle_progress(actor, c, measurer=measurer) for c in
            OperationsCycle.objects.visible_to(actor).prefetch_related("targets", "initiatives")]


def usage_by_team(actor, period: Period, org_unit=None, *, catalog=None) -> dict:
    """Per team, each usage metric of the catalog that has a team dimension: what is used and
    what is not (nothing, or under half the reference: the overall rate for ratios, the mean
    team otherwise). Usage metrics appear here as soon as they are in the catalog."""
    catalog = catalog or get_catalog()
    keys = [m for m in catalog.metrics.values()
            if m.category == "usage" and not m.hidden and "team" in m.dimensions]
    filters = {"org": org_unit.pk} if org_unit else {}
    teams: dict = {}
    for metric in keys:
        result = metric_values(user=actor, key=metric.key, start=period.start, end=period.end,
                               by=("team",), filters=filters, catalog=catalog)
        totals = [t for t in result["totals"] if t["dims"]["team"]["id"] is not None]
        values = [t["value"] for t in totals if t["value"] is not None]
        if metric.unit == "ratio":
            overall = metric_values(user=actor, key=metric.key, start=period.start,
                                    end=period.end, filters=filters, catalog=catalog)
            reference = overall["totals"][0]["value"]
        else:
            reference = sum(values) / len(values) if values else None
        for t in totals:
            value = t["value"]
            flag = ("unused" if not value else "under_used"
                    if reference and value < reference / 2 else "used")
            team = teams.setdefault(t["dims"]["team"]["id"], {
                "team": t["dims"]["team"]["label"], "values": {}})
            team["values"][metric.key] = {"value": value, "flag": flag}
    return {"metrics": [{"key": m.key, "label": m.label.model_dump(), "unit": m.unit}
                        for m in keys],
            "teams": sorted(teams.values(), key=lambda t: str(t["team"]))}
