"""Reads about the demo: which build is loaded, its go-live date, a digest of its data, and
the sizes of the effects built into it."""

import hashlib
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from valuecrm.campaigns.models import Send, Submission
from valuecrm.crm.models import Activity, Contact, Customer, Lead
from valuecrm.delivery.models import Order, OrderStageEvent, PurchaseOrder
from valuecrm.demo.models import DemoRun
from valuecrm.org.models import Role, User
from valuecrm.sales.models import (
    ZERO,
    Contract,
    ContractLine,
    Opportunity,
    OpportunityStageChange,
    Payment,
    PaymentPlan,
)
from valuecrm.segments.models import Segment, TagChange


def current_run() -> DemoRun | None:
    return DemoRun.objects.first()


def go_live_date() -> date | None:
    """The day the demo company started using ValueCRM, for before/after comparisons."""
    run = current_run()
    return run.go_live_date if run else None


# What identifies the generated data: natural values only (no ids, no build time), in
# generation order, so two builds of the same seed compare equal on any database.
DIGEST_QUERIES = [
    (User.objects.order_by("username"), ["username", "role", "unit__name", "display_name"]),
    (Lead.all_objects.order_by("id"), [
        "created_at", "name", "company_name", "phone", "email", "region", "channel__code",
        "status", "owner__username", "assigned_at", "first_contact_at", "converted_at",
        "converted_customer__name"]),
    (Customer.all_objects.order_by("id"), [
        "name", "size_tier", "lifecycle_stage", "owner__username", "created_at"]),
    (Contact.all_objects.order_by("id"), ["customer__name", "name", "phone", "is_primary"]),
    (Opportunity.all_objects.order_by("id"), [
        "name", "stage__name", "amount", "created_at", "stage_entered_at", "closed_at"]),
    (OpportunityStageChange.objects.order_by("id"), ["from_stage__name", "to_stage__name",
                                                     "changed_at"]),
    (Contract.all_objects.order_by("id"), [
        "number", "type", "status", "total_amount", "signed_date", "start_date", "end_date"]),
    (ContractLine.objects.order_by("id"), ["product__sku", "quantity", "unit_price",
                                           "discount_percent"]),
    (PaymentPlan.objects.order_by("id"), ["contract__number", "due_date", "amount"]),
    (Payment.objects.order_by("id"), ["received_date", "amount", "reference"]),
    (Activity.objects.order_by("id"), ["kind", "owner__username", "started_at",
                                       "duration_seconds", "subject"]),
    (Order.objects.order_by("id"), ["number", "stage__code", "placed_at", "completed_at",
                                    "quantity", "due_date"]),
    (OrderStageEvent.objects.order_by("id"), ["order__number", "stage__code", "entered_at",
                                              "is_rework"]),
    (PurchaseOrder.objects.order_by("id"), ["number", "supplier__code", "promised_date",
                                            "delivered_date", "tracking_number"]),
    # The SCRM rows made through the actions: no definitions (they hold tag ids) and no
    # times those actions take from the clock (submissions, reviews).
    (Segment.objects.order_by("name"), ["name", "owner__username"]),
    (TagChange.objects.order_by("tag__name", "customer__name"), [
        "tag__name", "customer__name", "action", "source", "rule__name", "at"]),
    (Send.objects.order_by("id"), [
        "campaign__name", "variant__name", "contact__name", "customer__name", "status",
        "sent_at", "responded_at", "conversion", "converted_at"]),
    (Submission.objects.order_by("id"), ["participant__contact__name", "status", "reason"]),
]


def data_digest() -> str:
    digest = hashlib.sha256()
    for queryset, fields in DIGEST_QUERIES:
        digest.update(queryset.model._meta.label.encode())
        for row in queryset.values_list(*fields).iterator(chunk_size=5000):
            digest.update(repr(tuple(_stable(v) for v in row)).encode())
    return digest.hexdigest()


def _stable(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    return value


@dataclass
class Effects:
    """The built-in effects, measured on the data (before, after) go-live where split."""

    conversion_by_channel: dict[str, float]
    lead_conversion: tuple[float, float]
    first_contact_hours: tuple[float, float]
    stage_days: tuple[float, float]
    calls_per_rep_week: tuple[float, float]
    win_rate: tuple[float, float]
    overdue_plans: int
    overdue_amount: Decimal


def measure_effects(run: DemoRun) -> Effects:
    go_live = datetime.combine(run.go_live_date, time(0), tzinfo=timezone.get_current_timezone())
    return Effects(
        conversion_by_channel=conversion_by_channel(),
        lead_conversion=_lead_conversion(run, go_live),
        first_contact_hours=_split_median(
            Lead.all_objects.filter(first_contact_at__isnull=False)
            .values_list("assigned_at", "first_contact_at").iterator(chunk_size=10_000),
            go_live, lambda start, end: (end - start).total_seconds() / 3600,
        ),
        stage_days=_split_median(
            _stays(), go_live, lambda start, end: (end - start).total_seconds() / 86400
        ),
        calls_per_rep_week=_calls_per_rep_week(run, go_live),
        win_rate=_win_rate(go_live),
        overdue_plans=(overdue := PaymentPlan.objects.overdue(today=run.anchor_date)).count(),
        overdue_amount=overdue.aggregate(
            owed=Sum(F("amount") - F("received_amount"), default=ZERO)
        )["owed"],
    )


def conversion_by_channel() -> dict[str, float]:
    rows = Lead.all_objects.values("channel__name").annotate(
        leads=Count("id"), converted=Count("id", filter=Q(status=Lead.Status.CONVERTED))
    ).order_by("channel__name")
    return {r["channel__name"]: round(r["converted"] / r["leads"], 3) for r in rows}


def _lead_conversion(run: DemoRun, go_live) -> tuple[float, float]:
    """Share of leads converted, by arrival; the last 60 days are left out, as their leads
    have not had the time to convert."""
    mature = go_live + (run.anchor_date - run.go_live_date) - timedelta(days=60)
    rates = []
    for arrived in (Q(created_at__lt=go_live), Q(created_at__gte=go_live, created_at__lt=mature)):
        counts = Lead.all_objects.filter(arrived).aggregate(
            total=Count("id"), converted=Count("id", filter=Q(status=Lead.Status.CONVERTED))
        )
        rates.append(round(counts["converted"] / counts["total"], 3) if counts["total"] else 0.0)
    return rates[0], rates[1]


def _split_median(pairs, go_live, measure) -> tuple[float, float]:
    """Medians of `measure(start, end)` for pairs starting before and after go-live."""
    before, after = [], []
    for start, end in pairs:
        (after if start >= go_live else before).append(measure(start, end))
    return (round(statistics.median(before), 1) if before else 0.0,
            round(statistics.median(after), 1) if after else 0.0)


def _stays():
    """(entered, left) for every open stage an opportunity moved on from."""
    previous = None
    changes = OpportunityStageChange.objects.order_by("opportunity_id", "changed_at", "id")
    for opportunity_id, changed_at in changes.values_list(
        "opportunity_id", "changed_at"
    ).iterator(chunk_size=10_000):
        if previous and previous[0] == opportunity_id:
            yield previous[1], changed_at
        previous = (opportunity_id, changed_at)


def _calls_per_rep_week(run: DemoRun, go_live) -> tuple[float, float]:
    reps = User.objects.filter(role=Role.REP).count() or 1
    weeks = (run.anchor_date - run.go_live_date).days / 7
    calls = Activity.objects.filter(kind=Activity.Kind.CALL).aggregate(
        before=Count("id", filter=Q(started_at__lt=go_live)),
        after=Count("id", filter=Q(started_at__gte=go_live)),
    )
    return round(calls["before"] / reps / weeks, 1), round(calls["after"] / reps / weeks, 1)


def _win_rate(go_live) -> tuple[float, float]:
    """Share of closed opportunities that were won, by when they were opened."""
    rates = []
    for era in (Q(created_at__lt=go_live), Q(created_at__gte=go_live)):
        counts = Opportunity.all_objects.filter(era, closed_at__isnull=False).aggregate(
            total=Count("id"), won=Count("id", filter=Q(stage__outcome="won")),
        )
        rates.append(round(counts["won"] / counts["total"], 3) if counts["total"] else 0.0)
    return rates[0], rates[1]


@dataclass
class DeliveryEffects:
    """The delivery effects, measured on the data (grouped queries over every order)."""

    median_stage_days: dict[str, float]  # stage code -> median days of a completed visit
    late_rate_by_changes: dict[str, float]  # "0", "1", "2+" changes -> share signed off late
    lead_time_days: tuple[float, float]  # median, orders placed before / after go-live
    on_time_rate: tuple[float, float]  # share signed off by the due date, before / after
    tracking_fill_by_supplier: dict[str, float]  # supplier code -> share with a number
    supplier_on_time: tuple[float, float]  # purchase orders by promise, before / after


def measure_delivery_effects(run: DemoRun) -> DeliveryEffects:
    from valuecrm.metrics.sql import Percentile, SecondsBetween

    go_live = datetime.combine(run.go_live_date, time(0), tzinfo=timezone.get_current_timezone())
    days = SecondsBetween(F("entered_at"), F("left_at")) / 86400.0
    stages = (OrderStageEvent.objects.filter(left_at__isnull=False).values("stage__code")
              .annotate(median=Percentile(days, 0.5)).order_by("stage__position"))
    changes = Count("changes", distinct=True)
    by_changes: dict[str, list[int]] = {}
    rows = (Order.objects.filter(completed_at__isnull=False).annotate(n=changes)
            .values_list("n", "late"))
    for n, late in rows.iterator(chunk_size=10_000):
        bucket = by_changes.setdefault("2+" if n >= 2 else str(n), [0, 0])
        bucket[0] += 1
        bucket[1] += bool(late)
    lead = SecondsBetween(F("placed_at"), F("completed_at")) / 86400.0
    eras = (Q(placed_at__lt=go_live), Q(placed_at__gte=go_live))
    done = Order.objects.filter(completed_at__isnull=False)
    medians = [done.filter(era).aggregate(m=Percentile(lead, 0.5))["m"] or 0.0 for era in eras]
    on_time = [done.filter(era).aggregate(n=Count("id"), ok=Count("id", filter=Q(late=False)))
               for era in eras]
    received = PurchaseOrder.objects.filter(delivered_date__isnull=False)
    fill = received.values("supplier__code").annotate(
        n=Count("id"), tracked=Count("id", filter=Q(tracking_number__gt=""))).order_by(
        "supplier__code")
    po_eras = [received.filter(ordered_date__lt=run.go_live_date),
               received.filter(ordered_date__gte=run.go_live_date)]
    po_rates = [qs.aggregate(n=Count("id"), ok=Count("id", filter=Q(on_time=True)))
                for qs in po_eras]
    return DeliveryEffects(
        median_stage_days={r["stage__code"]: round(r["median"], 2) for r in stages},
        late_rate_by_changes={k: round(v[1] / v[0], 3) for k, v in sorted(by_changes.items())},
        lead_time_days=(round(medians[0], 2), round(medians[1], 2)),
        on_time_rate=tuple(round(r["ok"] / r["n"], 3) if r["n"] else 0.0 for r in on_time),
        tracking_fill_by_supplier={r["supplier__code"]: round(r["tracked"] / r["n"], 3)
                                   for r in fill},
        supplier_on_time=tuple(round(r["ok"] / r["n"], 3) if r["n"] else 0.0
                               for r in po_rates),
    )
