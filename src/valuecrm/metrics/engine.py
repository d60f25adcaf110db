"""The query engine: a metric x date span x grain x dimensions x filters, in the database.

Simple and conversion metrics compile to one grouped ORM query each, starting from
`Model.objects.visible_to(user)` (so every number is within the caller's data scope):
`Trunc` for the period, the dimension paths for the groups, an aggregate for the value.
Ratio, derived and cumulative metrics combine those aggregated series (a handful of
numbers per period and group), never rows: a ratio is sum(numerator) / sum(denominator)
at every level, so it rolls up correctly across teams.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import product

from django.db import connections
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    Sum,
)
from django.db.models.functions import Trunc
from django.utils import timezone

from valuecrm.metrics import dimensions, expr, rollups
from valuecrm.metrics.catalog import (
    ConversionMetric,
    CumulativeMetric,
    DerivedMetric,
    RatioMetric,
    SimpleMetric,
)
from valuecrm.metrics.fields import compile_field, compile_filter, field_type
from valuecrm.metrics.periods import GRAINS, Span, trunc
from valuecrm.metrics.sql import Percentile

Series = dict[tuple[date, tuple], Decimal | None]
EXACT_NUMBERS = {"IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
                 "SmallIntegerField", "BigIntegerField", "DecimalField"}


@dataclass(frozen=True)
class Ctx:
    user: object
    span: Span
    by: tuple[str, ...] = ()
    filters: tuple[tuple[str, object], ...] = ()

    def with_span(self, span: Span) -> "Ctx":
        return Ctx(self.user, span, self.by, self.filters)


@dataclass
class Engine:
    catalog: object
    _cache: dict = field(default_factory=dict)

    def series(self, metric, ctx: Ctx) -> Series:
        """Values by (period, dimension values) for the periods of ctx.span."""
        metric = self.rolled_up(metric, ctx)
        cache_key = (metric.key, repr(metric), ctx)
        if cache_key not in self._cache and (summed := self._summed(metric, ctx)) is not None:
            self._cache[cache_key] = summed
        if cache_key not in self._cache:
            handler = {
                "simple": self._simple, "conversion": self._conversion, "ratio": self._ratio,
                "derived": self._derived, "cumulative": self._cumulative,
            }[metric.kind]
            self._cache[cache_key] = handler(metric, ctx)
        return self._cache[cache_key]

    def _summed(self, metric, ctx: Ctx) -> Series | None:
        """The span's total of a count or an integer/decimal sum as the sum of its periods
        when they were already computed for the same span (a report asks for both): the
        same number to the unit, without scanning the rows again. None: not available."""
        if ctx.span.grain is not None or not _exactly_summable(metric):
            return None
        for grain in GRAINS:
            per_period = Ctx(ctx.user, Span(ctx.span.start, ctx.span.end, grain), ctx.by,
                             ctx.filters)
            series = self._cache.get((metric.key, repr(metric), per_period))
            if series is None:
                continue
            return _total(series, ctx)
        return None

    def zero_fills(self, metric) -> bool:
        """Whether a period without rows means 0 (counts, sums, their running totals)."""
        if isinstance(metric, SimpleMetric):
            return metric.additive
        return isinstance(metric, CumulativeMetric)

    # -- kinds computed in one query -------------------------------------------------

    def _simple(self, metric: SimpleMetric, ctx: Ctx) -> Series:
        qs = scoped_queryset(metric.model, metric.time_field, ctx,
                             compile_filter(metric.filter, metric.exclude))
        empty = Decimal(0) if metric.additive else None

        def values(rows):
            return {key: _number(row["value"]) if row["value"] is not None else empty
                    for key, row in rows.items()}

        return self._grouped_series(qs, metric, ctx, {"value": aggregate(metric)},
                                    not _exactly_summable(metric), values,
                                    lambda total: (metric.key, repr(metric), total))

    def _conversion(self, metric: ConversionMetric, ctx: Ctx) -> Series:
        qs = scoped_queryset(metric.model, metric.time_field, ctx,
                             compile_filter(metric.filter, metric.exclude))
        aggregates = {"base": Count("pk"), "converted": Count("pk", filter=converted_q(metric))}

        def values(rows):
            return {key: (Decimal(row["converted"]) / row["base"] if row["base"] else None)
                    for key, row in rows.items()}

        return self._grouped_series(qs, metric, ctx, aggregates, True, values,
                                    lambda total: (metric.key, repr(metric), total))

    def _grouped_series(self, qs, metric, ctx: Ctx, aggregates: dict, totals_wanted: bool,
                        values, total_key):
        """`values(rows)` of the grouped query; when the same scan also gave the span's
        totals (`_grouped_with_totals`), they are cached under `total_key(total ctx)` for
        the report's next question."""
        rows, totals = _grouped_with_totals(qs, metric.model, metric.time_field, ctx,
                                            aggregates, totals_wanted)
        if totals is not None:
            self._cache[total_key(_total_ctx(ctx))] = values(totals)
        return values(rows)

    # -- kinds combining series -------------------------------------------------------

    def _ratio(self, metric: RatioMetric, ctx: Ctx) -> Series:
        num_metric, den_metric = (self.rolled_up(self.part_metric(metric, n), ctx)
                                  for n in ("numerator", "denominator"))
        fused = self._fused(num_metric, den_metric, ctx)
        num, den = fused or (self.series(num_metric, ctx), self.series(den_metric, ctx))
        num_default = Decimal(0) if self.zero_fills(num_metric) else None
        result = {}
        for key in num.keys() | den.keys():
            top, bottom = num.get(key, num_default), den.get(key)
            result[key] = None if top is None or not bottom else top / bottom
        return result

    def _fused(self, num: SimpleMetric, den: SimpleMetric, ctx: Ctx):
        """Numerator and denominator series from ONE grouped query (each aggregate with
        its own FILTER) when both count or sum rows of the same model by the same time
        field, as a hand-written `SUM(CASE …) / COUNT(*)` does: one scan instead of two.
        A group without numerator rows reads 0, one without denominator rows 0 (no
        ratio), exactly as the separate series give. None: not applicable."""
        parts = (num, den)
        if not all(isinstance(m, SimpleMetric) and m.additive for m in parts) or (
                num.model, num.time_field) != (den.model, den.time_field):
            return None
        key = ("fused", repr(num), repr(den), ctx)
        if key not in self._cache and all(_exactly_summable(m) for m in parts):
            for grain in GRAINS if ctx.span.grain is None else ():
                per_period = self._cache.get(("fused", repr(num), repr(den), Ctx(
                    ctx.user, Span(ctx.span.start, ctx.span.end, grain), ctx.by,
                    ctx.filters)))
                if per_period is not None:
                    self._cache[key] = tuple(_total(series, ctx) for series in per_period)
                    break
        if key not in self._cache:
            filters = [compile_filter(m.filter, m.exclude) for m in parts]
            # An empty Q() would vanish from an OR: either part unfiltered means all rows.
            rows_q = Q() if not all(filters) else filters[0] | filters[1]
            qs = scoped_queryset(num.model, num.time_field, ctx, rows_q)
            aggregates = {name: aggregate(m, filter=f or None) for name, m, f in
                          zip(("num", "den"), parts, filters, strict=True)}
            def values(rows):
                return tuple({k: _number(row[name]) if row[name] is not None else Decimal(0)
                              for k, row in rows.items()} for name in ("num", "den"))

            self._cache[key] = self._grouped_series(
                qs, num, ctx, aggregates, not all(_exactly_summable(m) for m in parts),
                values, lambda total: ("fused", repr(num), repr(den), total))
        return self._cache[key]

    def rolled_up(self, metric, ctx: Ctx):
        """The simple metric over a rollup when that gives exactly its answer for ctx
        (see rollups.py), else the metric itself."""
        if not isinstance(metric, SimpleMetric):
            return metric
        return rollups.answer_from(metric, ctx, self._rollup_time_zone) or metric

    def _rollup_time_zone(self, rollup) -> str | None:
        key = ("rollup_time_zone", rollup.name)
        if key not in self._cache:
            self._cache[key] = rollups.time_zone_of(rollup)
        return self._cache[key]

    def part_metric(self, metric: RatioMetric, name: str):
        part = metric.part(name)
        base = self.catalog.metrics[part.metric]
        if part.filter:
            base = base.model_copy(update={"filter": {**base.filter, **part.filter}})
        return base

    def _derived(self, metric: DerivedMetric, ctx: Ctx) -> Series:
        tree = metric.tree()
        leaves: dict[object, tuple[Series, Decimal | None]] = {}
        for name in expr.names(tree):
            ref = self.catalog.metrics[name]
            leaves[expr.Name(name)] = (self.series(ref, ctx), self._default(ref))
        for call in expr.calls(tree, "lag"):
            ref, n = self.catalog.metrics[call.args[0].name], int(call.args[1].value)
            shifted = self.series(ref, ctx.with_span(ctx.span.shifted(-n)))
            leaves[call] = ({(ctx.span.shift_key(p, n), d): v for (p, d), v in shifted.items()},
                            self._default(ref))
        periods = set(ctx.span.periods())
        keys = {k for series, _ in leaves.values() for k in series if k[0] in periods}
        result = {}
        for key in keys:
            def lookup(leaf, key=key):
                series, default = leaves[leaf]
                return series.get(key, default)

            result[key] = expr.evaluate(tree, lookup)
        return result

    def _default(self, metric):
        return Decimal(0) if self.zero_fills(metric) else None

    def _cumulative(self, metric: CumulativeMetric, ctx: Ctx) -> Series:
        base = self.catalog.metrics[metric.metric]
        span = ctx.span
        if metric.to_date:
            start = trunc(span.start, metric.to_date)
        elif span.grain is None:
            start = span.start - timedelta(days=(metric.window - 1) * span.days)
        else:
            start = span.shifted(-(metric.window - 1)).start
        extended = Span(start, span.end, span.grain)
        values = self.series(base, ctx.with_span(extended))
        if span.grain is None:
            totals: dict[tuple, Decimal] = {}
            for (_p, dims), value in values.items():
                totals[dims] = totals.get(dims, Decimal(0)) + (value or 0)
            return {(span.start, dims): total for dims, total in totals.items()}
        result = {}
        combos = {dims for _p, dims in values} or {()}
        for period, dims in product(span.periods(), combos):
            if metric.to_date:
                window = [q for q in extended.periods()
                          if q <= period and trunc(q, metric.to_date) == trunc(
                              period, metric.to_date)]
            else:
                window = [span.shift_key(period, -k) for k in range(metric.window)]
            result[(period, dims)] = sum(
                (values.get((q, dims)) or Decimal(0) for q in window), Decimal(0))
        return result


def _total(series: Series, ctx: Ctx) -> Series:
    """Per-period values of a count or exact sum added up per group over the span."""
    totals: Series = {} if ctx.by else {(ctx.span.start, ()): Decimal(0)}
    for (_period, dims), value in series.items():
        key = (ctx.span.start, dims)
        totals[key] = totals.get(key, Decimal(0)) + value
    return totals


def _exactly_summable(metric) -> bool:
    """Counts, and sums of an integer or decimal column: adding their per-period values
    gives exactly the span's value (floating-point sums could differ in the last digits)."""
    if not isinstance(metric, SimpleMetric) or metric.agg not in ("count", "sum"):
        return False
    if metric.agg == "count":
        return True
    model = dimensions.get_model(metric.model)
    return isinstance(compile_field(metric.field, model), F) and field_type(
        model, metric.field) in EXACT_NUMBERS


def aggregate(metric: SimpleMetric, filter: Q | None = None):  # noqa: A002 - Django's name
    model = dimensions.get_model(metric.model)
    value = compile_field(metric.field, model) if metric.field else None
    if metric.agg == "count":
        return Count("pk", filter=filter)
    if metric.agg == "count_distinct":
        return Count(value, distinct=True, filter=filter)
    if metric.agg in ("median", "percentile"):
        if filter is not None:  # Percentile compiles its own SQL, without FILTER
            raise ValueError("a percentile cannot take a filter here")
        return Percentile(value, 0.5 if metric.agg == "median" else metric.percentile)
    return {"sum": Sum, "avg": Avg, "min": Min, "max": Max}[metric.agg](value, filter=filter)


def converted_q(metric: ConversionMetric) -> Q:
    conv = metric.conversion
    deadline = ExpressionWrapper(F(metric.time_field) + timedelta(days=conv.window_days),
                                 output_field=DateTimeField())
    return compile_filter(conv.filter, {}) & Q(**{
        f"{conv.time_field}__gte": F(metric.time_field), f"{conv.time_field}__lte": deadline,
    })


def scoped_queryset(model_label: str, time_field: str, ctx: Ctx, q: Q):
    """The caller's visible rows of the model, within the span and the filters."""
    model = dimensions.get_model(model_label)
    qs = model.objects.visible_to(ctx.user).filter(q)
    qs = qs.filter(time_range_q(model, time_field, ctx.span))
    for dim, value in ctx.filters:
        qs = qs.filter(dimensions.filter_q(model_label, dim, value))
    return qs


def time_range_q(model, time_field: str, span: Span) -> Q:
    if field_type(model, time_field) == "DateTimeField":
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(span.start, time.min), tz)
        end = timezone.make_aware(datetime.combine(span.end + timedelta(days=1), time.min), tz)
        return Q(**{f"{time_field}__gte": start, f"{time_field}__lt": end})
    return Q(**{f"{time_field}__gte": span.start, f"{time_field}__lte": span.end})


def _groups(model_label, time_field, ctx: Ctx) -> dict:
    groups = {}
    if ctx.span.grain:
        groups["_period"] = Trunc(time_field, ctx.span.grain)
    for dim in ctx.by:
        path = dimensions.group_expression(model_label, dim)
        groups[f"_dim_{dim}"] = F(path) if isinstance(path, str) else path
    return groups


def _grouped(qs, model_label, time_field, ctx: Ctx, aggregates: dict) -> dict:
    """Rows of aggregates keyed by (period, dimension values), computed in one query."""
    groups = _groups(model_label, time_field, ctx)
    if not groups:
        row = qs.aggregate(**aggregates)
        return {(ctx.span.start, ()): row}
    rows = qs.annotate(**groups).values(*groups).annotate(**aggregates).order_by()
    return _keyed(rows, ctx)


def _keyed(rows, ctx: Ctx) -> dict:
    result = {}
    for row in rows:
        period = _period(row["_period"], ctx.span.grain) if ctx.span.grain else ctx.span.start
        dims = tuple(row[f"_dim_{dim}"] for dim in ctx.by)
        result[(period, dims)] = row
    return result


def _total_ctx(ctx: Ctx) -> Ctx:
    return ctx.with_span(Span(ctx.span.start, ctx.span.end))


_GROUP_BY = re.compile(r" GROUP BY ((?:\d+, )*\d+)$")


def _grouped_with_totals(qs, model_label, time_field, ctx: Ctx, aggregates: dict,
                         wanted: bool) -> tuple[dict, dict | None]:
    """`_grouped`'s rows, and, when `wanted` and the database can, the span's totals per
    group from the same scan (None otherwise).

    A report asks for a metric per period and for its totals. Counts and integer sums
    add up from the periods; a distinct count, an average or a median does not, and used
    to cost a second scan of the table. On PostgreSQL one `GROUP BY GROUPING SETS
    ((dims, period), (dims))` gives both: the rows of the second set carry a NULL period
    (a period is never NULL otherwise: the time field is filtered to the span)."""
    if not (wanted and ctx.span.grain and connections[qs.db].vendor == "postgresql"):
        return _grouped(qs, model_label, time_field, ctx, aggregates), None
    groups = _groups(model_label, time_field, ctx)
    query = qs.annotate(**groups).values(*groups).annotate(**aggregates).order_by().query
    compiler = query.get_compiler(using=qs.db)
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    positions = {name: str(names.index(name) + 1) for name in groups}
    plain = compiler.as_sql

    def as_sql(*args, **kwargs):
        sql, params = plain(*args, **kwargs)
        match = _GROUP_BY.search(sql)
        if match is None or set(match.group(1).split(", ")) != set(positions.values()):
            raise _NoGroupingSets(sql)
        dims = [positions[name] for name in groups if name != "_period"]
        both = ", ".join([*dims, positions["_period"]])
        return f"{sql[:match.start()]} GROUP BY GROUPING SETS (({both}), ({', '.join(dims)}))", \
            params

    compiler.as_sql = as_sql
    try:
        rows = [dict(zip(names, row, strict=True)) for row in compiler.results_iter()]
    except _NoGroupingSets:  # Django wrote the query another way: ask twice, as before
        return _grouped(qs, model_label, time_field, ctx, aggregates), None
    return (_keyed([r for r in rows if r["_period"] is not None], ctx),
            _keyed([r for r in rows if r["_period"] is None], _total_ctx(ctx)))


class _NoGroupingSets(Exception):
    """The compiled query did not end in the positional GROUP BY this rewrite expects."""


def _period(value, grain) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return trunc(value, grain)


def _number(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)
