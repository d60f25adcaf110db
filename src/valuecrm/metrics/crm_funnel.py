"""The sales funnel over the CRM's own records: lead -> opportunity -> won -> paid.

Cohort mode follows the leads created in the span for `window_days` from their creation:
a lead reaches "opportunity" if it was converted with an opportunity, "won" if that
opportunity was then won, "paid" if a payment on one of its contracts was received after
the win; every step in order and within the window. Times between steps are those of the
leads reaching the step (mean, median, p90 in seconds; a payment date counts from its
midnight UTC). Period mode counts each step's events that happened in the span, whoever
they belong to (not a cohort: rates can exceed 1).

Both run as grouped queries from `Lead.objects.visible_to(user)`.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.metrics import dimensions
from valuecrm.metrics.catalog import SimpleMetric
from valuecrm.metrics.engine import Ctx, Engine, _grouped, scoped_queryset
from valuecrm.metrics.periods import GRAINS, Span
from valuecrm.metrics.sql import Percentile, SecondsBetween
from valuecrm.sales.models import Payment

STEPS = ("lead", "opportunity", "won", "paid")
DIMENSIONS = ("team", "department", "owner", "channel", "region")
_PERIOD_STEPS = {
    "lead": ("created_at", {}, "count"),
    "opportunity": ("converted_at", {"converted_opportunity__isnull": False}, "count"),
    "won": ("converted_opportunity__closed_at",
            {"converted_opportunity__stage__outcome": "won"}, "count"),
    "paid": ("converted_opportunity__contracts__payments__received_date",
             {"converted_opportunity__contracts__deleted_at__isnull": True}, "count_distinct"),
}


def crm_funnel(*, user, start, end, grain=None, by=(), filters=None, window_days=90,
               mode="cohort") -> dict:
    by, filters = tuple(by), dict(filters or {})
    errors = {}
    if mode not in ("cohort", "period"):
        errors["mode"] = [_("Use cohort or period.")]
    if grain is not None and grain not in GRAINS:
        errors["grain"] = [_("Use one of: %s.") % ", ".join(GRAINS)]
    if [d for d in (*by, *filters) if d not in (*DIMENSIONS, "org")] or "org" in by:
        errors["by"] = [_("The funnel can be split by: %s.") % ", ".join(DIMENSIONS)]
    if start > end:
        errors["to"] = [_("The end date is before the start date.")]
    if window_days < 1:
        errors["window_days"] = [_("The window is at least one day.")]
    if errors:
        raise ValidationError(errors)
    ctx = Ctx(user, Span(start, end, grain), by, tuple(sorted(filters.items())))
    rows = _cohort(ctx, window_days) if mode == "cohort" else _period(ctx)
    names = {dim: dimensions.labels("crm.Lead", dim, {key[1][i] for key in rows})
             for i, dim in enumerate(by)}
    groups = []
    for (period, combo), steps in sorted(rows.items(), key=lambda kv: (
            kv[0][0], tuple(str(v) for v in kv[0][1]))):
        groups.append({
            "period": period.isoformat() if grain else None,
            "dims": {dim: {"id": value, "label": names[dim].get(value,
                                                                 dimensions.none_label())}
                     for dim, value in zip(by, combo, strict=True)},
            "steps": _rates(steps),
        })
    return {"mode": mode, "window_days": window_days if mode == "cohort" else None,
            "from": start.isoformat(), "to": end.isoformat(), "grain": grain, "by": list(by),
            "groups": groups}


def _rates(steps: list[dict]) -> list[dict]:
    first = steps[0]["count"]
    for index, step in enumerate(steps):
        previous = steps[index - 1]["count"] if index else None
        step["conversion_from_previous"] = (step["count"] / previous if previous else None)
        step["conversion_from_start"] = step["count"] / first if first else None
    return steps


def _cohort(ctx: Ctx, window_days: int) -> dict:
    deadline = ExpressionWrapper(F("created_at") + timedelta(days=window_days),
                                 output_field=DateTimeField())
    qs = scoped_queryset("crm.Lead", "created_at", ctx, Q()).annotate(
        _deadline=deadline, _deadline_date=TruncDate(deadline),
        _won_date=TruncDate("converted_opportunity__closed_at"))
    first_payment = (Payment.objects.filter(
        contract__opportunity=OuterRef("converted_opportunity"),
        contract__deleted_at__isnull=True, received_date__gte=OuterRef("_won_date"),
        received_date__lte=OuterRef("_deadline_date"),
    ).order_by("received_date").values("received_date")[:1])
    qs = qs.annotate(_paid_at=Subquery(first_payment))
    reached = {"opportunity": Q(converted_opportunity__isnull=False,
                                converted_at__gte=F("created_at"),
                                converted_at__lte=F("_deadline"))}
    reached["won"] = reached["opportunity"] & Q(
        converted_opportunity__stage__outcome="won",
        converted_opportunity__closed_at__gte=F("converted_at"),
        converted_opportunity__closed_at__lte=F("_deadline"))
    reached["paid"] = reached["won"] & Q(_paid_at__isnull=False)
    since = {"opportunity": SecondsBetween(F("created_at"), F("converted_at")),
             "won": SecondsBetween(F("converted_at"), F("converted_opportunity__closed_at")),
             "paid": SecondsBetween(F("converted_opportunity__closed_at"), F("_paid_at"))}
    aggregates = {"n_lead": Count("pk")}
    for step, condition in reached.items():
        seconds = Case(When(condition, then=since[step]), default=None,
                       output_field=FloatField())
        aggregates |= {f"n_{step}": Count("pk", filter=condition),
                       f"mean_{step}": Avg(seconds), f"median_{step}": Percentile(seconds, .5),
                       f"p90_{step}": Percentile(seconds, .9)}
    rows = _grouped(qs, "crm.Lead", "created_at", ctx, aggregates)
    return {key: [{"step": step, "count": row[f"n_{step}"],
                   **{f"{stat}_seconds": _float(row.get(f"{stat}_{step}"))
                      for stat in ("mean", "median", "p90")}} for step in STEPS]
            for key, row in rows.items()}


def _period(ctx: Ctx) -> dict:
    engine = Engine(catalog=None)
    result: dict = {}
    for index, step in enumerate(STEPS):
        time_field, condition, agg = _PERIOD_STEPS[step]
        metric = SimpleMetric(
            key=f"funnel_{step}", label={"zh": step, "en": step}, kind="simple",
            model="crm.Lead", agg=agg, field="id" if agg == "count_distinct" else None,
            time_field=time_field, filter=condition, category="business_outcome",
            relation="unclear")
        for key, value in engine.series(metric, ctx).items():
            steps = result.setdefault(key, [{"step": s, "count": 0, "mean_seconds": None,
                                             "median_seconds": None, "p90_seconds": None}
                                            for s in STEPS])
            steps[index]["count"] = int(value or 0)
    return result


def _float(value):
    return float(value) if isinstance(value, float | int | Decimal) else None
