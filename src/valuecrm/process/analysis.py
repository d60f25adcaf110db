"""Process analysis of an `EventLog`: where the time goes.

Durations are seconds. A case's lead time runs from its first to its last event. The time
"in a stage" is the time from an event to the next event of the same case (the stage an
order or deal entered, until it entered the next one), so the stage times of a case add
up to its lead time and every stage's share of the total lead time is exact; a case's
last event closes it and adds no time. Directly-follows pairs are consecutive events of
one case after ordering by time (ties in arrival order), as PM4Py defines them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.process import stats
from valuecrm.process.log import MICROS, EventLog

DERIVED = ("events", "rework")


@dataclass(frozen=True)
class Options:
    """What to add to the base analysis. `compare_before` splits cases by when they
    started; `compare_attribute` with two `compare_values` splits them by a case attribute.
    `risk_attributes` relate lead time to case attributes (or the derived `events` and
    `rework`: a case's number of events and of repeated activities)."""

    target: timedelta | None = None
    compare_before: datetime | None = None
    compare_attribute: str | None = None
    compare_values: tuple[str, str] | None = None
    risk_attributes: tuple[str, ...] = ()
    top: int = 20
    # (activity, target): how long a case should stay in the stage entered by that
    # activity, e.g. the delivery target split across the order stages.
    stage_targets: tuple[tuple[str, timedelta], ...] = ()


@dataclass
class _Cases:
    start: np.ndarray  # microseconds
    lead: np.ndarray  # seconds
    events: np.ndarray


def _cases(log: EventLog) -> _Cases:
    first, last = log.case_starts[:-1], log.case_starts[1:] - 1
    start = log.time[first]
    return _Cases(start, (log.time[last] - start) / MICROS, np.diff(log.case_starts))


def _follows(log: EventLog):
    """Consecutive events of the same case: source and target activity, seconds between."""
    same = log.case[1:] == log.case[:-1]
    return (log.activity[:-1][same], log.activity[1:][same],
            (np.diff(log.time)[same]) / MICROS, np.flatnonzero(same))


def _when(micros) -> str:
    return datetime.fromtimestamp(int(micros) / MICROS, tz=timezone.get_current_timezone()
                                  ).isoformat()


def _num(value):
    return None if value is None or np.isnan(value) else float(value)


def _repeats(log: EventLog) -> tuple[np.ndarray, np.ndarray]:
    """(case, activity, occurrences) keys of activities occurring more than once in a case,
    as the case codes and activity codes of the repeated pairs and their counts."""
    n_act = len(log.activity_names)
    keys, counts = np.unique(log.case.astype(np.int64) * n_act + log.activity,
                             return_counts=True)
    repeated = counts > 1
    return keys[repeated], counts[repeated]


def analyze(log: EventLog, options: Options | None = None) -> dict:
    options = options or Options()
    cases = _cases(log)
    source, target, seconds, _positions = _follows(log)
    names = log.activity_names
    n_act = len(names)
    result = {
        "summary": {
            "cases": log.cases, "events": log.events, "activities": n_act,
            "skipped_events": log.skipped, "first_event": _when(log.time.min()),
            "last_event": _when(log.time.max()),
        },
        "lead_time": stats.summary(cases.lead),
        "activities": _activities(log),
        "start_activities": _counted(names, log.activity[log.case_starts[:-1]]),
        "end_activities": _counted(names, log.activity[log.case_starts[1:] - 1]),
        "variants": _variants(log, cases, options.top),
        "transitions": _transitions(names, source, target, seconds),
    }
    stages = _stages(names, source, seconds, float(cases.lead.sum()))
    result["stages"] = stages
    result["bottlenecks"] = [
        {"rank": rank, "activity": s["activity"], "share": s["share"], "total": s["total"],
         "mean": s["mean"]}
        for rank, s in enumerate(sorted((s for s in stages if s["total"] > 0),
                                        key=lambda s: -s["total"]), start=1)]
    result["rework"] = _rework(log)
    if log.resource is not None:
        result["resources"] = _counted(log.resource_names, log.resource)[: options.top]
    if options.target is not None:
        result["target"] = _over_target(log, cases, options.target, options.top)
    if options.stage_targets:
        result["stage_targets"] = _over_stage_targets(log, options.stage_targets,
                                                      options.top)
    if options.compare_before is not None or options.compare_attribute:
        result["comparison"] = _comparison(log, cases, options)
    if options.risk_attributes:
        result["risk_factors"] = [_risk(log, cases, name, options.top)
                                  for name in options.risk_attributes]
    return result


def _counted(names: list[str], codes: np.ndarray) -> list[dict]:
    counts = np.bincount(codes, minlength=len(names))
    return [{"name": names[i], "count": int(counts[i])}
            for i in np.argsort(-counts, kind="stable") if counts[i]]


def _activities(log: EventLog) -> list[dict]:
    n_act = len(log.activity_names)
    events = np.bincount(log.activity, minlength=n_act)
    pairs = np.unique(log.case.astype(np.int64) * n_act + log.activity)
    cases = np.bincount(pairs % n_act, minlength=n_act)
    return [{"activity": log.activity_names[i], "events": int(events[i]),
             "cases": int(cases[i])} for i in np.argsort(-events, kind="stable")]


def _variants(log: EventLog, cases: _Cases, top: int) -> dict:
    acts = log.activity.tolist()
    bounds = log.case_starts.tolist()
    ids: dict[tuple, int] = {}
    variant = np.fromiter((ids.setdefault(tuple(acts[a:b]), len(ids))
                           for a, b in zip(bounds[:-1], bounds[1:], strict=True)),
                          dtype=np.int64, count=log.cases)
    count = np.bincount(variant)
    lead = np.bincount(variant, weights=cases.lead) / count
    sequences = list(ids)
    order = np.lexsort((np.arange(len(count)), -count))[:top]
    return {
        "count": len(count),
        "top": [{"activities": [log.activity_names[a] for a in sequences[v]],
                 "cases": int(count[v]), "share": float(count[v] / log.cases),
                 "mean_lead_time": float(lead[v])} for v in order],
    }


def _transitions(names, source, target, seconds) -> list[dict]:
    n_act = len(names)
    pair = source.astype(np.int64) * n_act + target
    codes, dense = np.unique(pair, return_inverse=True)
    s = stats.grouped(dense.reshape(-1), seconds, len(codes))
    order = np.lexsort((-s["count"], -s["total"]))
    return [{"from": names[codes[i] // n_act], "to": names[codes[i] % n_act],
             "count": int(s["count"][i]), "mean": float(s["mean"][i]),
             "median": float(s["median"][i]), "p90": float(s["p90"][i]),
             "total": float(s["total"][i])} for i in order]


def _stages(names, source, seconds, lead_total: float) -> list[dict]:
    s = stats.grouped(source, seconds, len(names))
    return [{"activity": names[i], "visits": int(s["count"][i]), "total": float(s["total"][i]),
             "mean": _num(s["mean"][i]), "median": _num(s["median"][i]),
             "p90": _num(s["p90"][i]),
             "share": float(s["total"][i] / lead_total) if lead_total else 0.0}
            for i in range(len(names))]


def _rework(log: EventLog) -> dict:
    keys, counts = _repeats(log)
    n_act = len(log.activity_names)
    acts = keys % n_act
    cases_by = np.bincount(acts, minlength=n_act)
    extra = np.bincount(acts, weights=counts - 1, minlength=n_act)
    rework_cases = len(np.unique(keys // n_act))
    return {
        "cases": rework_cases, "share": rework_cases / log.cases,
        "by_activity": [{"activity": log.activity_names[i], "cases": int(cases_by[i]),
                         "repeats": int(extra[i])}
                        for i in np.argsort(-cases_by, kind="stable") if cases_by[i]],
    }


def _over_target(log: EventLog, cases: _Cases, target: timedelta, top: int) -> dict:
    limit = target.total_seconds()
    over = np.flatnonzero(cases.lead > limit)
    worst = over[np.argsort(-cases.lead[over], kind="stable")][:top]
    return {"target": limit, "cases": int(len(over)), "share": len(over) / log.cases,
            "worst": [{"case": log.case_names[i], "lead_time": float(cases.lead[i]),
                       "events": int(cases.events[i])} for i in worst]}


def _over_stage_targets(log: EventLog, targets: tuple[tuple[str, timedelta], ...],
                        top: int) -> dict:
    """Stays over their stage's target: per stage the visits, stays and cases over it;
    overall the cases with any stay over, and the stays furthest over."""
    source, _target, seconds, positions = _follows(log)
    stay_case = log.case[positions]
    codes = {name: code for code, name in enumerate(log.activity_names)}
    limits = np.full(len(log.activity_names), np.inf)
    stages = []
    for name, target in targets:
        limit = target.total_seconds()
        code = codes.get(name)
        if code is not None:
            limits[code] = limit
        visits = source == code if code is not None else np.zeros(len(source), dtype=bool)
        over = visits & (seconds > limit)
        stages.append({"activity": name, "target": limit, "visits": int(visits.sum()),
                       "over": int(over.sum()),
                       "share": float(over.sum() / visits.sum()) if visits.any() else None,
                       "cases_over": int(len(np.unique(stay_case[over])))})
    excess = seconds - limits[source]
    over = np.flatnonzero(excess > 0)
    worst = over[np.argsort(-excess[over], kind="stable")][:top]
    cases_over = len(np.unique(stay_case[over]))
    return {"stages": stages, "cases_over": cases_over, "share": cases_over / log.cases,
            "worst": [{"case": log.case_names[stay_case[i]],
                       "activity": log.activity_names[source[i]],
                       "duration": float(seconds[i]), "target": float(limits[source[i]]),
                       "excess": float(excess[i])} for i in worst]}


def _profile(log: EventLog, label: str, target: timedelta | None) -> dict:
    if log.cases == 0:
        return {"group": label, "cases": 0, "events": 0, "lead_time": stats.summary(
            np.array([])), "rework_share": None, "over_target_share": None, "stages": {}}
    cases = _cases(log)
    source, _target, seconds, _positions = _follows(log)
    stages = _stages(log.activity_names, source, seconds, float(cases.lead.sum()))
    keys, _counts = _repeats(log)
    n_act = len(log.activity_names)
    return {
        "group": label, "cases": log.cases, "events": log.events,
        "lead_time": stats.summary(cases.lead),
        "rework_share": len(np.unique(keys // n_act)) / log.cases,
        "over_target_share": (None if target is None else
                              float(np.mean(cases.lead > target.total_seconds()))),
        "stages": {s["activity"]: {"mean": s["mean"], "share": s["share"]}
                   for s in stages if s["visits"]},
    }


def _comparison(log: EventLog, cases: _Cases, options: Options) -> dict:
    if options.compare_before is not None:
        cut = round(options.compare_before.timestamp() * MICROS)
        first = cases.start < cut
        labels = (_("started before %(date)s") % {"date": options.compare_before.isoformat()},
                  _("started on or after %(date)s") % {"date": options.compare_before.isoformat()})
        masks = (first, ~first)
    else:
        if not options.compare_values or len(options.compare_values) != 2:
            raise ValidationError({"compare_values": [
                _("Give the two values of %(attribute)s to compare.")
                % {"attribute": options.compare_attribute}]})
        values = _attribute(log, cases, options.compare_attribute)
        text = np.array(["" if v is None else _text(v) for v in values], dtype=object)
        labels = tuple(f"{options.compare_attribute} = {v}" for v in options.compare_values)
        masks = tuple(text == v for v in options.compare_values)
    groups = [_profile(log.select_cases(mask), label, options.target)
              for mask, label in zip(masks, labels, strict=True)]
    before, after = groups
    difference = {}
    if before["cases"] and after["cases"]:
        difference = {
            "mean_lead_time": after["lead_time"]["mean"] - before["lead_time"]["mean"],
            "median_lead_time": after["lead_time"]["median"] - before["lead_time"]["median"],
            "stages": {name: after["stages"][name]["mean"] - stage["mean"]
                       for name, stage in before["stages"].items()
                       if name in after["stages"]},
        }
    return {"groups": groups, "difference": difference}


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _attribute(log: EventLog, cases: _Cases, name: str) -> list:
    if name in log.case_attributes:
        return log.case_attributes[name]
    if name == "events":
        return cases.events.astype(float).tolist()
    if name == "rework":
        keys, counts = _repeats(log)
        per_case = np.bincount(keys // len(log.activity_names), weights=counts - 1,
                               minlength=log.cases)
        return per_case.tolist()
    available = sorted(set(log.case_attributes) | set(DERIVED))
    raise ValidationError({"attribute": [
        _("No case attribute %(name)r (available: %(names)s).")
        % {"name": name, "names": ", ".join(available)}]})


def _numbers(values: list) -> np.ndarray | None:
    """The values as floats (NaN where missing), or None if any present value is text."""
    out = np.full(len(values), np.nan)
    for i, value in enumerate(values):
        if value is None or value == "":
            continue
        try:
            out[i] = float(value)
        except (TypeError, ValueError):
            return None
    return out


def _risk(log: EventLog, cases: _Cases, name: str, top: int) -> dict:
    values = _attribute(log, cases, name)
    if all(v is None or v == "" for v in values):
        return {"attribute": name, "kind": None, "cases": 0, "missing": log.cases,
                "groups_total": 0, "groups": []}
    numbers = _numbers(values)
    if numbers is not None:
        present = ~np.isnan(numbers)
        x, y = numbers[present], cases.lead[present]
        distinct = np.unique(x)
        if len(distinct) <= 10:
            codes = np.searchsorted(distinct, x)
            labels = [_text(float(v)) for v in distinct]
        else:
            edges = np.unique(np.quantile(x, [0.25, 0.5, 0.75]))
            codes = np.searchsorted(edges, x, side="left")
            bounds = [float(x.min()), *edges.tolist(), float(x.max())]
            labels = [f"{_text(bounds[i])}–{_text(bounds[i + 1])}" for i in range(len(edges) + 1)]
        result = {"attribute": name, "kind": "numeric", "cases": int(len(x)),
                  "missing": int(log.cases - len(x)), "pearson": stats.pearson(x, y),
                  "spearman": stats.spearman(x, y)}
    else:
        text = [None if v is None or v == "" else _text(v) for v in values]
        present = np.array([v is not None for v in text], dtype=bool)
        labels, codes = np.unique(np.array([v for v in text if v is not None], dtype=object),
                                  return_inverse=True)
        labels = labels.tolist()
        y = cases.lead[present]
        result = {"attribute": name, "kind": "categorical", "cases": int(present.sum()),
                  "missing": int(log.cases - present.sum()),
                  "eta": stats.correlation_ratio(codes.reshape(-1), y)}
    s = stats.grouped(np.asarray(codes).reshape(-1), y, len(labels))
    order = range(len(labels))
    if result["kind"] == "categorical":  # the largest groups first; numeric ones in order
        order = np.argsort(-s["count"], kind="stable")[:top]
    result["groups_total"] = len(labels)
    result["groups"] = [
        {"value": labels[i], "cases": int(s["count"][i]), "mean": _num(s["mean"][i]),
         "median": _num(s["median"][i]), "p90": _num(s["p90"][i])}
        for i in order if s["count"][i]]
    return result
