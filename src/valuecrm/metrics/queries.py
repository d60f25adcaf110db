"""Read functions over the metric engine: values of a metric, and the records behind one.

These are what the API, the CLI and the pages call; they check the request against the
metric's definition and answer in plain data (see `metric_values`).
"""

from datetime import date
from decimal import Decimal
from itertools import product

from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.core.routing import analytics_reads
from valuecrm.metrics import dimensions
from valuecrm.metrics.catalog import (
    ConversionMetric,
    RatioMetric,
    SimpleMetric,
    get_catalog,
)
from valuecrm.metrics.engine import Ctx, Engine, converted_q, scoped_queryset
from valuecrm.metrics.fields import compile_filter
from valuecrm.metrics.periods import GRAINS, Span, add
from valuecrm.usage.actions import track

COMPARE = ("previous", "year")


def describe(metric) -> dict:
    return {
        "key": metric.key, "label": metric.label.model_dump(), "description": metric.description,
        "kind": metric.kind, "unit": metric.unit, "direction": metric.direction,
        "category": metric.category, "relation": metric.relation,
        "dimensions": metric.dimensions, "model": getattr(metric, "model", None),
        "time_field": getattr(metric, "time_field", None),
    }


def list_metrics(*, catalog=None, include_hidden=False) -> list[dict]:
    catalog = catalog or get_catalog()
    return [describe(m) for m in catalog.metrics.values() if include_hidden or not m.hidden]


def _check(metric, start, end, grain, by, filters):
    errors = {}
    if start > end:
        errors["to"] = [_("The end date is before the start date.")]
    if grain is not None and grain not in GRAINS:
        errors["grain"] = [_("Use one of: %s.") % ", ".join(GRAINS)]
    allowed = set(metric.dimensions)
    for dim in by:
        if dim not in allowed:
            errors.setdefault("by", []).append(
                _("%(metric)s cannot be broken down by %(dim)s (possible: %(allowed)s).")
                % {"metric": metric.key, "dim": dim, "allowed": ", ".join(sorted(allowed))})
    for dim in filters:
        if dim not in allowed | {"org"}:
            errors.setdefault("filters", []).append(
                _("%(metric)s cannot be filtered by %(dim)s.") % {"metric": metric.key,
                                                                  "dim": dim})
    if len(set(by)) != len(by):
        errors["by"] = [_("A dimension is repeated.")]
    if errors:
        raise ValidationError(errors)


def base_model(catalog, metric) -> str:
    """The model of the first simple metric a metric is built from (for labels)."""
    while not isinstance(metric, SimpleMetric | ConversionMetric):
        metric = catalog.metrics[metric.references()[0]]
    return metric.model


@analytics_reads()
def metric_values(*, user, key, start: date, end: date, grain=None, by=(), filters=None,
                  compare=None, catalog=None) -> dict:
    """A metric per period and group, with totals over the span (and the previous span's
    totals when `compare` is "previous" or "year")."""
    catalog = catalog or get_catalog()
    metric = catalog.get(key)
    by, filters = tuple(by), dict(filters or {})
    _check(metric, start, end, grain, by, filters)
    if compare is not None and compare not in COMPARE:
        raise ValidationError({"compare": [_("Use previous or year.")]})
    engine = Engine(catalog)
    track(user, "reports", "run")
    ctx = Ctx(user, Span(start, end, grain), by, tuple(sorted(filters.items())))
    series = engine.series(metric, ctx)
    totals = engine.series(metric, ctx.with_span(Span(start, end)))
    previous = None
    if compare:
        span = Span(start, end).shifted(-1) if compare == "previous" else Span(
            add(start, "year", -1), add(end, "year", -1))
        previous = engine.series(metric, ctx.with_span(span))
        previous = {dims: v for (_p, dims), v in previous.items()}
    default = engine._default(metric)
    # No data at all: one empty group for a plain total, no groups for a breakdown.
    found = {dims for _p, dims in [*series, *totals]}
    combos = sorted(found or ({()} if not by else set()), key=_sort_key)
    model_label = base_model(catalog, metric)
    names = {dim: dimensions.labels(model_label, dim, {c[i] for c in combos})
             for i, dim in enumerate(by)}

    def dims_out(combo):
        return {dim: {"id": value, "label": names[dim].get(value, dimensions.none_label())}
                for dim, value in zip(by, combo, strict=True)}

    rows = [{"period": period.isoformat(), "dims": dims_out(combo),
             "value": series.get((period, combo), default)}
            for period, combo in product(Span(start, end, grain).periods(), combos)]
    total_rows = []
    for combo in combos:
        row = {"dims": dims_out(combo), "value": totals.get((start, combo), default)}
        if previous is not None:
            row["previous"] = previous.get(combo, default)
            row["change"] = (None if row["value"] is None or row["previous"] is None
                             else row["value"] - row["previous"])
        total_rows.append(row)
    return {"metric": describe(metric), "from": start.isoformat(), "to": end.isoformat(),
            "grain": grain, "by": list(by), "filters": filters, "compare": compare,
            "rows": rows, "totals": total_rows}


def _sort_key(combo):
    return tuple((v is None, str(v)) for v in combo)


def drill_down(*, user, key, start: date, end: date, period: date | None = None,
               grain=None, dims=None, filters=None, part=None, catalog=None):
    """(model, queryset) of the records behind one number: the metric's rows in the span
    (or one period of it), with the given dimension values, in the caller's scope."""
    catalog = catalog or get_catalog()
    metric = catalog.get(key)
    dims, filters = dict(dims or {}), dict(filters or {})
    _check(metric, start, end, grain, tuple(dims), filters)
    if isinstance(metric, RatioMetric):
        if part not in ("numerator", "denominator"):
            raise ValidationError({"part": [_("Say numerator or denominator.")]})
        metric = Engine(catalog).part_metric(metric, part)
    if not isinstance(metric, SimpleMetric | ConversionMetric):
        refs = ", ".join(metric.references())
        raise ValidationError({"key": [
            _("%(metric)s is computed from other metrics; drill into them: %(refs)s.")
            % {"metric": metric.key, "refs": refs}]})
    span = Span(start, end, grain)
    if period is not None:
        if grain is None:
            raise ValidationError({"grain": [_("Give the grain of the period.")]})
        span = span.period_span(period)
    ctx = Ctx(user, span, (), tuple(sorted({**filters, **dims}.items())))
    qs = scoped_queryset(metric.model, metric.time_field, ctx,
                         compile_filter(metric.filter, metric.exclude))
    if isinstance(metric, ConversionMetric) and part == "converted":
        qs = qs.filter(converted_q(metric))
    return dimensions.get_model(metric.model), qs


def jsonable(value):
    """Numbers for JSON output: Decimal to float (rounded to 6 places), None kept."""
    if isinstance(value, Decimal):
        return round(float(value), 6)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value



