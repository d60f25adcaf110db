"""API of the metric engine: the catalog, values of a metric, and the records behind one."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from valuecrm.core.errors import ValidationError
from valuecrm.metrics import actions, queries, targets
from valuecrm.metrics.periods import parse_period
from valuecrm.metrics.trees import as_floats, explain_tree

router = Router(tags=["metrics"])
DRILL_LIMIT = 500


def parse_pairs(items: list[str], name: str) -> dict:
    """`dim:value` strings as a mapping."""
    pairs = {}
    for item in items:
        dim, sep, value = item.partition(":")
        if not sep or not dim:
            raise ValidationError({name: [_("Write %(name)s as dimension:value.") % {
                "name": name}]})
        pairs[dim] = int(value) if value.isdigit() else value
    return pairs


def split(values: list[str]) -> tuple[str, ...]:
    return tuple(v for item in values for v in item.split(",") if v)


class ValuesQuery(Schema):
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")
    grain: str | None = None
    by: list[str] = Field(default_factory=list, description="Dimensions, comma-separated")
    filter: list[str] = Field(default_factory=list, description="dimension:value")
    compare: str | None = Field(None, description="previous or year")


@router.get("/metrics", summary="The metric catalog")
def list_metrics(request):
    return {"items": queries.list_metrics()}


@router.get("/metrics/{key}/values", summary="A metric by period and dimensions")
def metric_values(request, key: str, q: Query[ValuesQuery]):
    result = queries.metric_values(
        user=request.auth, key=key, start=q.start, end=q.end, grain=q.grain,
        by=split(q.by), filters=parse_pairs(q.filter, "filter"), compare=q.compare)
    return queries.jsonable(result)


class RecordsQuery(Schema):
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")
    grain: str | None = None
    period: date | None = Field(None, description="Start of one period (with grain)")
    dim: list[str] = Field(default_factory=list, description="dimension:value of the cell")
    filter: list[str] = Field(default_factory=list)
    part: str | None = Field(None, description="numerator/denominator of a ratio, or "
                                               "converted for a conversion")
    limit: int = Field(100, ge=1, le=DRILL_LIMIT)


@router.get("/metrics/{key}/records", summary="The records behind one number (drill-down)")
def metric_records(request, key: str, q: Query[RecordsQuery]):
    model, qs = queries.drill_down(
        user=request.auth, key=key, start=q.start, end=q.end, grain=q.grain, period=q.period,
        dims=parse_pairs(q.dim, "dim"), filters=parse_pairs(q.filter, "filter"), part=q.part)
    return {"model": model._meta.label, "count": qs.count(),
            "items": [{"id": obj.pk, "label": str(obj)} for obj in qs.order_by("pk")[:q.limit]]}


class TreeQuery(Schema):
    period: str = Field(..., description="2025-03, 2025-Q1, 2025 or FROM..TO")
    compare: str = Field(..., description="The period to compare with, same forms")
    org: int | None = Field(None, description="Org unit id (split trees, filtering)")


@router.get("/metric-trees/{key}", summary="A metric tree between two periods, with the "
                                          "contribution of each child (Shapley values)")
def metric_tree(request, key: str, q: Query[TreeQuery]):
    result = explain_tree(user=request.auth, key=key, before=parse_period(q.compare),
                          after=parse_period(q.period), org=q.org)
    return queries.jsonable(as_floats(result))


class FunnelQuery(Schema):
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")
    grain: str | None = None
    by: list[str] = Field(default_factory=list)
    filter: list[str] = Field(default_factory=list, description="dimension:value")
    mode: str = Field("cohort", description="cohort or period")
    window_days: int = 90


@router.get("/funnels/crm", summary="Lead -> opportunity -> won -> paid, by group")
def crm_funnel(request, q: Query[FunnelQuery]):
    from valuecrm.metrics.crm_funnel import crm_funnel as run

    return queries.jsonable(run(
        user=request.auth, start=q.start, end=q.end, grain=q.grain, by=split(q.by),
        filters=parse_pairs(q.filter, "filter"), window_days=q.window_days, mode=q.mode))


class TargetIn(Schema):
    metric: str
    period: str = Field(..., description="2025-03, 2025-Q1, 2025 or FROM..TO")
    value: Decimal
    unit: int | None = None
    user: int | None = None


@router.post("/metric-targets", summary="Set the target of a unit or a person")
def set_target(request, payload: TargetIn):
    span = parse_period(payload.period)
    target = actions.set_target(actor=request.auth, metric_key=payload.metric,
                                start=span.start, end=span.end, value=payload.value,
                                unit_id=payload.unit, user_id=payload.user)
    return {"id": target.pk, "metric": target.metric_key, "unit": target.unit_id,
            "user": target.user_id, "from": target.start, "to": target.end,
            "value": float(target.value)}


@router.get("/metric-targets/{key}/report",
            summary="Targets, actuals, run-rate forecast, cascade checks, who is behind")
def target_report(request, key: str, period: str, unit: int | None = None):
    span = parse_period(period)
    return queries.jsonable(targets.target_report(
        user=request.auth, metric_key=key, start=span.start, end=span.end, unit_id=unit))
