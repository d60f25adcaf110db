"""The delivery effects built into the demo: procurement is the bottleneck, modified orders
are late more often, some suppliers rarely fill in tracking numbers, and after go-live
orders are faster and on time more often. Generated rows pass validation, and the stage
events agree with the orders."""

import pytest
from django.db.models import Count, Q

from valuecrm.delivery.models import (
    Inspection,
    Order,
    OrderReturn,
    OrderStageEvent,
    PurchaseOrder,
    Supplier,
)
from valuecrm.delivery.queries import stage_report, supplier_scorecard
from valuecrm.demo.queries import measure_delivery_effects
from valuecrm.org.models import User

pytestmark = pytest.mark.django_db


def test_procurement_is_the_bottleneck(demo):
    effects = measure_delivery_effects(demo)
    stages = effects.median_stage_days
    assert max(stages, key=stages.get) == "procurement"
    assert stages["procurement"] > 1.5 * stages["production"]
    admin = User.objects.get(username="admin")
    assert stage_report(admin)["bottleneck"] == "procurement"


def test_orders_modified_often_are_late_more_often(demo):
    rates = measure_delivery_effects(demo).late_rate_by_changes
    assert rates["2+"] > rates["0"] + 0.15


def test_after_go_live_orders_are_faster_and_suppliers_better(demo):
    effects = measure_delivery_effects(demo)
    before, after = effects.lead_time_days
    assert after < before * 0.85
    before, after = effects.on_time_rate
    assert after > before + 0.2
    before, after = effects.supplier_on_time
    assert after > before


def test_some_suppliers_rarely_fill_in_tracking_numbers(demo):
    fill = measure_delivery_effects(demo).tracking_fill_by_supplier
    assert fill["HQ"] > 0.9 and fill["DF"] < 0.4 and fill["HY"] < 0.6
    admin = User.objects.get(username="admin")
    card = {row["code"]: row for row in supplier_scorecard(admin)}
    assert card["DF"]["tracking_fill_rate"] == fill["DF"]


def test_generated_delivery_rows_are_consistent_and_valid(demo):
    assert Supplier.objects.count() == 5
    for model in (Order, OrderStageEvent, PurchaseOrder, Inspection, OrderReturn):
        assert model.objects.exists(), model
        for obj in model._base_manager.all()[:300]:
            obj.full_clean(validate_unique=False)
    # Each order's current stage is its last event; only the last event is still open.
    for order in Order.objects.annotate(open_events=Count(
            "stage_events", filter=Q(stage_events__left_at__isnull=True))):
        last = order.stage_events.order_by("entered_at", "id").last()
        assert (last.stage_id, last.entered_at) == (order.stage_id, order.stage_entered_at)
        assert order.open_events == 1
        assert (order.completed_at is not None) == order.stage.is_final
    assert OrderStageEvent.objects.filter(is_rework=True).exists()
