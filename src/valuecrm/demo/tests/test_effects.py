"""The effects built into the demo exist, so reports have something true to show."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Count
from django.db.models.functions import ExtractMonth

from valuecrm.crm.models import Customer, Lead
from valuecrm.demo.queries import go_live_date, measure_effects
from valuecrm.sales.models import Contract, PaymentPlan

pytestmark = pytest.mark.django_db


def test_go_live_is_recorded_half_way(demo):
    assert go_live_date() == demo.go_live_date
    assert demo.anchor_date - demo.go_live_date == timedelta(days=365)
    assert Lead.all_objects.filter(created_at__date__lt=demo.go_live_date).exists()
    assert Lead.all_objects.filter(created_at__date__gte=demo.go_live_date).exists()
    assert not Lead.all_objects.filter(created_at__date__gte=demo.anchor_date).exists()


def test_conversion_differs_by_channel(demo):
    rates = measure_effects(demo).conversion_by_channel
    assert len(rates) == 7
    assert rates["客户转介绍"] > 2 * rates["电话外呼"]
    assert max(rates.values()) - min(rates.values()) > 0.15


def test_work_is_faster_after_go_live(demo):
    effects = measure_effects(demo)
    before, after = effects.first_contact_hours
    assert after < before / 2
    before, after = effects.stage_days
    assert after < before
    before, after = effects.calls_per_rep_week
    assert after > before * 1.5
    before, after = effects.lead_conversion
    assert after > before


def test_contract_totals_are_the_sums_of_their_lines(demo):
    contracts = Contract.all_objects.prefetch_related("lines")
    assert {c.type for c in contracts} == {"new", "renewal", "upsell"}
    for contract in contracts:
        assert contract.lines.exists()
        assert contract.total_amount == contract.compute_total() > 0


def test_some_payment_plans_are_overdue_and_none_overpaid(demo):
    overdue = PaymentPlan.objects.overdue(today=demo.anchor_date)
    assert overdue.exists()
    assert measure_effects(demo).overdue_amount > 0
    for plan in PaymentPlan.objects.with_received():
        assert Decimal(0) <= plan.received_amount <= plan.amount
    for contract in Contract.all_objects.filter(status="active"):
        planned = sum((p.amount for p in contract.payment_plans.all()), Decimal(0))
        assert planned == contract.total_amount


def test_pool_stale_customers_and_seasonality(demo):
    assert Customer.objects.filter(owner__isnull=True).exists()
    stale_before = demo.anchor_date - timedelta(days=90)
    owned = Customer.objects.filter(owner__isnull=False)
    assert owned.exclude(activities__started_at__date__gte=stale_before).exists()
    assert {c.lifecycle_stage for c in Customer.objects.all()} == {
        "prospect", "active", "churned"}
    by_month = dict(
        Lead.all_objects.annotate(month=ExtractMonth("created_at"))
        .values_list("month").annotate(n=Count("id")).values_list("month", "n")
    )
    assert by_month[2] < by_month[3]  # Spring Festival is quiet
