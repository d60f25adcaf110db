"""Reads about the demo: which build is loaded, its go-live date, a digest of its data, and
the sizes of the effects built into it."""

import hashlib
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from valuecrm.crm.models import Activity, Contact, Customer, Lead
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
