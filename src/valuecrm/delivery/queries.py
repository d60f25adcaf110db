"""Reads over orders, their stage events and purchase orders, always within the caller's
scope and computed in the database (grouped queries, never loops over rows)."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from valuecrm.delivery.models import (
    Inspection,
    Order,
    OrderChange,
    OrderReturn,
    OrderStage,
    OrderStageEvent,
    PurchaseOrder,
)
from valuecrm.metrics.sql import Percentile, SecondsBetween

DAY = 86400.0


def order_event_log(user) -> Iterable[tuple[str, str, datetime, str | None]]:
    """The order stage log as a process-mining event log, within the user's scope:
    `(case_id, activity, timestamp, resource)` rows ordered by case then time, where
    case_id is the order number, activity the stage's code (stable when stages are
    renamed), timestamp the aware moment the order entered the stage and resource the
    username of whoever moved it (None for generated history). Rework shows as an activity
    repeated within a case. A lazy queryset: iterate it, or `.iterator()` for big logs."""
    return (OrderStageEvent.objects.visible_to(user)
            .order_by("order__number", "entered_at", "id")
            .values_list("order__number", "stage__code", "entered_at", "actor__username"))


def order_stage_targets() -> dict[str, timedelta]:
    """Each active stage's target (its share of the delivery target) by stage code, the
    activity name in `order_event_log`; stages without a target are left out."""
    return {code: timedelta(days=float(days)) for code, days in
            OrderStage.objects.filter(is_active=True, target_days__gt=0)
            .values_list("code", "target_days")}


def _completed_between(start: date | None, end: date | None, prefix: str = "") -> Q:
    """Signed off within the local days `start`..`end` (either may be open)."""
    tz = timezone.get_current_timezone()
    q = Q(**{f"{prefix}completed_at__isnull": False})
    if start:
        q &= Q(**{f"{prefix}completed_at__gte": datetime.combine(start, time.min, tzinfo=tz)})
    if end:
        q &= Q(**{f"{prefix}completed_at__lt": datetime.combine(
            end + timedelta(days=1), time.min, tzinfo=tz)})
    return q


def _ratio(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


def stage_report(user, *, start: date | None = None, end: date | None = None) -> dict:
    """Where the time goes, for orders signed off between `start` and `end`: per stage the
    visits, mean / median / p90 / total days, its share of the total lead time, rework
    entries and visits over the stage's target; the stage with the largest total is the
    bottleneck. Lead time = the sum of the stage durations (first entry to sign-off)."""
    events = OrderStageEvent.objects.visible_to(user).filter(
        _completed_between(start, end, "order__"), left_at__isnull=False)
    days = SecondsBetween(F("entered_at"), F("left_at")) / DAY
    rows = events.values("stage").annotate(
        visits=Count("id"), rework=Count("id", filter=Q(is_rework=True)),
        mean=Avg(days), median=Percentile(days, 0.5), p90=Percentile(days, 0.9),
        total=Sum(days),
        over_target=Count("id", filter=Q(stage__target_days__lt=days)),
    ).order_by()
    by_stage = {row["stage"]: row for row in rows}
    orders = Order.objects.visible_to(user).filter(_completed_between(start, end))
    grand = sum(row["total"] or 0 for row in rows)
    stages = []
    for stage in OrderStage.objects.all():
        row = by_stage.get(stage.pk)
        if row is None and not stage.is_active:
            continue
        total = (row or {}).get("total") or 0.0
        stages.append({
            "stage": stage.code, "name": stage.name, "name_en": stage.name_en,
            "target_days": float(stage.target_days), "visits": (row or {}).get("visits", 0),
            "rework": (row or {}).get("rework", 0),
            "over_target": (row or {}).get("over_target", 0),
            "mean_days": _round((row or {}).get("mean")),
            "median_days": _round((row or {}).get("median")),
            "p90_days": _round((row or {}).get("p90")),
            "total_days": round(total, 4), "share": _ratio(total, grand),
        })
    summary = orders.aggregate(count=Count("id"), late=Count("id", filter=Q(late=True)))
    bottleneck = max(stages, key=lambda s: s["total_days"], default=None)
    return {
        "orders": summary["count"], "late": summary["late"],
        "on_time_rate": _ratio(summary["count"] - summary["late"], summary["count"]),
        "mean_lead_time_days": round(grand / summary["count"], 4) if summary["count"] else None,
        "stages": stages,
        "bottleneck": bottleneck["stage"] if bottleneck and bottleneck["total_days"] else None,
    }


def _round(value) -> float | None:
    return None if value is None else round(float(value), 4)


def lateness_by_changes(user) -> list[dict]:
    """Signed-off orders grouped by how often they were modified (0, 1, 2, 3+): the late
    share and mean lead time of each group, with its size, to see whether changes cost
    time. One grouped query."""
    per_order = (OrderChange.objects.filter(order=OuterRef("pk")).order_by()
                 .values("order").annotate(n=Count("id")).values("n"))
    orders = Order.objects.visible_to(user).filter(completed_at__isnull=False).annotate(
        n_changes=Coalesce(Subquery(per_order), 0))
    rows = orders.values("n_changes").annotate(
        orders=Count("id"), late=Count("id", filter=Q(late=True)),
        lead=Avg(SecondsBetween(F("placed_at"), F("completed_at")) / DAY),
    ).order_by("n_changes")
    groups: dict[str, dict] = {}
    for row in rows:
        label = str(min(row["n_changes"], 3)) + ("+" if row["n_changes"] >= 3 else "")
        group = groups.setdefault(label, {"changes": label, "orders": 0, "late": 0, "days": 0.0})
        group["orders"] += row["orders"]
        group["late"] += row["late"]
        group["days"] += (row["lead"] or 0) * row["orders"]
    return [{"changes": g["changes"], "orders": g["orders"], "late": g["late"],
             "late_rate": _ratio(g["late"], g["orders"]),
             "mean_lead_time_days": round(g["days"] / g["orders"], 4)}
            for g in groups.values()]


def supplier_scorecard(user, *, start: date | None = None, end: date | None = None) -> list[dict]:
    """Per supplier, over purchase orders delivered between `start` and `end`: how many,
    the share delivered by the promised date, mean days late, and the share with a
    tracking number filled in. One grouped query over the caller's purchase orders."""
    pos = PurchaseOrder.objects.visible_to(user).filter(delivered_date__isnull=False)
    if start:
        pos = pos.filter(delivered_date__gte=start)
    if end:
        pos = pos.filter(delivered_date__lte=end)
    rows = pos.values("supplier", "supplier__name", "supplier__code").annotate(
        received=Count("id"), on_time=Count("id", filter=Q(on_time=True)),
        tracked=Count("id", filter=Q(tracking_number__gt="")),
    ).order_by("supplier__name")
    return [{"supplier": r["supplier"], "name": r["supplier__name"], "code": r["supplier__code"],
             "received": r["received"], "on_time": r["on_time"],
             "on_time_rate": _ratio(r["on_time"], r["received"]),
             "tracked": r["tracked"],
             "tracking_fill_rate": _ratio(r["tracked"], r["received"])} for r in rows]


def quality_trace(user, *, by: str = "product") -> list[dict]:
    """Pass rate of inspections next to the return rate of delivered units, per product
    (or `by="month"` of inspection and delivery), so returns trace back to production
    quality. Delivered = quantity of signed-off orders; two grouped queries."""
    if by not in ("product", "month"):
        raise ValueError(by)
    from django.db.models.functions import TruncMonth

    inspect_key = "order__product__sku" if by == "product" else TruncMonth("inspected_at")
    done_key = "product__sku" if by == "product" else TruncMonth("completed_at")
    return_key = "order__product__sku" if by == "product" else TruncMonth("order__completed_at")
    zero = Decimal(0)
    inspections = (Inspection.objects.visible_to(user).annotate(k=_key(inspect_key))
                   .values("k").annotate(passed=Coalesce(Sum("passed_quantity"), zero),
                                         failed=Coalesce(Sum("failed_quantity"), zero)))
    delivered = (Order.objects.visible_to(user).filter(completed_at__isnull=False)
                 .annotate(k=_key(done_key)).values("k")
                 .annotate(units=Coalesce(Sum("quantity"), zero)))
    returned = (OrderReturn.objects.visible_to(user).filter(order__completed_at__isnull=False)
                .annotate(k=_key(return_key)).values("k")
                .annotate(units=Coalesce(Sum("quantity"), zero)))
    groups: dict = {}
    for row in inspections.order_by():
        groups.setdefault(_label(row["k"]), {})["inspected"] = row
    for row in delivered.order_by():
        groups.setdefault(_label(row["k"]), {})["delivered"] = row["units"]
    for row in returned.order_by():
        groups.setdefault(_label(row["k"]), {})["returned"] = row["units"]
    result = []
    for key in sorted(groups, key=lambda k: (k is None, str(k))):
        g = groups[key]
        passed = g.get("inspected", {}).get("passed", zero)
        failed = g.get("inspected", {}).get("failed", zero)
        delivered_units, returned_units = g.get("delivered", zero), g.get("returned", zero)
        result.append({
            by: key, "passed": float(passed), "failed": float(failed),
            "pass_rate": _ratio(float(passed), float(passed + failed)),
            "delivered": float(delivered_units), "returned": float(returned_units),
            "return_rate": _ratio(float(returned_units), float(delivered_units)),
        })
    return result


def _key(value):
    return F(value) if isinstance(value, str) else value


def _label(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m") if timezone.is_aware(value) \
            else value.strftime("%Y-%m")
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return value


def order_stage_timeline(order: Order) -> list[dict]:
    """The stages an order went through, oldest first: when it entered and left each, the
    days spent, whether that was over the stage's target, and whether the entry was rework
    (going back, or entering a stage again). The order must come from `visible_to`."""
    now = timezone.now()
    rows = []
    for event in order.stage_events.select_related("stage", "from_stage", "actor"):
        end = event.left_at or (None if order.completed_at else now)
        spent = None if end is None else (end - event.entered_at).total_seconds() / DAY
        target = float(event.stage.target_days)
        rows.append({"event": event, "stage": event.stage, "from_stage": event.from_stage,
                     "entered_at": event.entered_at, "left_at": event.left_at,
                     "days": None if spent is None else round(spent, 2),
                     "current": event.left_at is None and not event.stage.is_final,
                     "over_target": bool(spent is not None and target and spent > target),
                     "rework": event.is_rework, "actor": event.actor, "note": event.note})
    return rows


def open_late(orders, today: date | None = None):
    """Orders still open past their due date (those signed off carry `late` already)."""
    return orders.filter(completed_at__isnull=True, due_date__lt=today or timezone.localdate())
