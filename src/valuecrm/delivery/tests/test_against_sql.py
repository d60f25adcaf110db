"""Every delivery and delivery-quality metric in the catalog, computed by the engine over
March 2026, equals a hand-written SQL query on the same data."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from valuecrm.delivery.actions import (
    create_purchase_order,
    modify_order,
    move_order_stage,
    receive_purchase_order,
    record_inspection,
    record_return,
)
from valuecrm.delivery.models import PurchaseOrder
from valuecrm.delivery.tests.conftest import T0, place, walk
from valuecrm.metrics.queries import metric_values

pytestmark = pytest.mark.django_db
START, END = date(2026, 3, 1), date(2026, 3, 31)

ORDERS = ("FROM delivery_order o WHERE o.completed_at >= %(t0)s AND o.completed_at < %(t1)s")
STAYS = ("FROM delivery_orderstageevent e JOIN delivery_order o ON o.id = e.order_id "
         "JOIN delivery_orderstage s ON s.id = e.stage_id WHERE e.left_at IS NOT NULL AND "
         "o.completed_at >= %(t0)s AND o.completed_at < %(t1)s")
INSPECTED = ("FROM delivery_inspection i WHERE i.inspected_at >= %(t0)s AND "
             "i.inspected_at < %(t1)s")
RETURNED = "FROM delivery_orderreturn r WHERE r.returned_at >= %(t0)s AND r.returned_at < %(t1)s"
RECEIVED = ("FROM delivery_purchaseorder p WHERE p.delivered_date BETWEEN %(d0)s AND %(d1)s")
OPEN = ("FROM delivery_order o WHERE o.completed_at IS NULL AND o.placed_at >= %(t0)s AND "
        "o.placed_at < %(t1)s")


def share(condition, source):
    return f"SELECT SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) * 1.0 / COUNT(*) {source}"


def stage_days(code):
    # A sum over no stays is 0 (sums zero-fill), so signed_off, never left here, gives 0.
    return (f"SELECT (SELECT COALESCE(SUM({{secs(e.entered_at, e.left_at)}}), 0) / 86400.0 "
            f"{STAYS} AND s.code = '{code}') / (SELECT COUNT(*) {ORDERS})")


SQL = {
    "orders_placed": "SELECT COUNT(*) FROM delivery_order o WHERE o.placed_at >= %(t0)s AND "
                     "o.placed_at < %(t1)s",
    "orders_completed": f"SELECT COUNT(*) {ORDERS}",
    "orders_late": f"SELECT COUNT(*) {ORDERS} AND o.late",
    "order_on_time_rate": share("NOT o.late", ORDERS),
    "order_lead_time_days": f"SELECT AVG({{secs(o.placed_at, o.completed_at)}} / 86400) {ORDERS}",
    **{f"order_stage_days_{code}": stage_days(code) for code in (
        "placed", "contract_effective", "procurement", "production", "shipped", "signed_off")},
    "order_rework_entries": ("SELECT COUNT(*) FROM delivery_orderstageevent e WHERE e.is_rework "
                             "AND e.entered_at >= %(t0)s AND e.entered_at < %(t1)s"),
    "units_inspected": f"SELECT SUM(i.passed_quantity + i.failed_quantity) {INSPECTED}",
    "units_passed": f"SELECT SUM(i.passed_quantity) {INSPECTED}",
    "pass_rate": (f"SELECT SUM(i.passed_quantity) * 1.0 / SUM(i.passed_quantity + "
                  f"i.failed_quantity) {INSPECTED}"),
    "units_delivered": f"SELECT SUM(o.quantity) {ORDERS}",
    "units_returned": f"SELECT SUM(r.quantity) {RETURNED}",
    "return_rate": f"SELECT (SELECT SUM(r.quantity) {RETURNED}) * 1.0 / (SELECT SUM(o.quantity) "
                   f"{ORDERS})",
    "purchase_orders_received": f"SELECT COUNT(*) {RECEIVED}",
    "supplier_on_time_rate": share("p.delivered_date <= p.promised_date", RECEIVED),
    "tracking_number_fill_rate": share("p.tracking_number <> ''", RECEIVED),
    "logistics_company_fill_rate": share("p.logistics_company <> ''", RECEIVED),
    "tracking_number_valid_rate": share("{regexp(p.tracking_number)}",
                                        f"{RECEIVED} AND p.tracking_number <> ''"),
    "open_order_freshness_rate": share("o.updated_at >= %(fresh)s", OPEN),
}
PATTERN = "^[A-Za-z0-9-]{8,30}$"


def hand_sql(key):
    sql = SQL[key]
    pg = connection.vendor == "postgresql"
    while "{secs(" in sql:
        head, rest = sql.split("{secs(", 1)
        args, tail = rest.split(")}", 1)
        start, end = (a.strip() for a in args.split(","))
        secs = (f"EXTRACT(EPOCH FROM ({end} - {start}))" if pg
                else f"((julianday({end}) - julianday({start})) * 86400.0)")
        sql = head + secs + tail
    sql = sql.replace("{regexp(p.tracking_number)}",
                      f"p.tracking_number {'~' if pg else 'REGEXP'} %(pattern)s")
    tz = timezone.get_current_timezone()
    week_ago = timezone.localdate() - timedelta(days=7)
    params = {"d0": START, "d1": END, "pattern": PATTERN,
              "t0": timezone.make_aware(datetime.combine(START, time.min), tz),
              "t1": timezone.make_aware(datetime.combine(END + timedelta(days=1), time.min), tz),
              "fresh": timezone.make_aware(datetime.combine(week_ago, time.min), tz)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.fixture
def book(org, records, stages, suppliers, product):
    contract = records["rep_a"].contract
    plans = [[0.5, 1, 3, 2, 1], [0.5, 2, 6, 2, 1], [0.2, 1, 2, 1, 0.5]]
    for n, days in enumerate(plans):
        order = place(org.rep_a, contract, number=f"SO-{n}", quantity="20",
                      product_id=product.pk)
        if n == 1:
            order = modify_order(actor=org.rep_a, pk=order.pk, changes={"spec": "加急"})
        order = walk(org.rep_a, order, stages, days[:3])
        record_inspection(actor=org.rep_a, order_id=order.pk, passed_quantity=Decimal(18),
                          failed_quantity=Decimal(n), defect_reason="划伤",
                          at=order.stage_entered_at + timedelta(hours=3))
        if n == 2:  # back to procurement once
            order = move_order_stage(actor=org.rep_a, pk=order.pk,
                                     stage_id=stages["procurement"].pk,
                                     at=order.stage_entered_at + timedelta(hours=5))
            order = move_order_stage(actor=org.rep_a, pk=order.pk,
                                     stage_id=stages["production"].pk,
                                     at=order.stage_entered_at + timedelta(days=1))
        order = walk(org.rep_a, order, {"production": None, "shipped": stages["shipped"],
                                        "signed_off": stages["signed_off"]}, days[3:],
                     start=order.stage_entered_at)
        record_return(actor=org.rep_a, order_id=order.pk, quantity=Decimal(n + 1),
                      reason="质量问题", at=order.completed_at + timedelta(days=1))
        for k, (late, tracking) in enumerate([(0, "SF1234567890"), (2, ""), (1, "bad!")]):
            po = create_purchase_order(actor=org.rep_a, data={
                "number": f"PO-{n}-{k}", "supplier_id": suppliers["fast" if k else "slow"].pk,
                "order_id": order.pk, "item": "主板", "quantity": Decimal(1),
                "ordered_date": START, "promised_date": START + timedelta(days=3 + n)})
            receive_purchase_order(actor=org.rep_a, pk=po.pk,
                                   delivered_date=START + timedelta(days=3 + late),
                                   tracking_number=tracking,
                                   logistics_company="顺丰" if k == 0 else "")
    place(org.rep_b, records["rep_b"].contract, number="SO-open", at=T0 + timedelta(days=3))
    place(org.rep_b, records["rep_b"].contract, number="SO-old", at=T0 + timedelta(days=4))
    from valuecrm.delivery.models import Order

    Order.objects.filter(number="SO-old").update(updated_at=timezone.now() - timedelta(days=9))
    assert PurchaseOrder.objects.count() == 9


def test_every_visible_delivery_metric_has_a_hand_query():
    from valuecrm.metrics.catalog import get_catalog

    catalog = get_catalog()
    delivery = {k for k, m in catalog.metrics.items() if not m.hidden and (
        k in SQL or getattr(m, "model", "").startswith("delivery.")
        or any(getattr(catalog.metrics[r], "model", "").startswith("delivery.")
               for r in m.references()))}
    assert delivery == set(SQL)


@pytest.mark.parametrize("key", sorted(SQL))
def test_engine_agrees_with_hand_sql(book, org, key):
    [row] = metric_values(user=org.admin, key=key, start=START, end=END)["totals"]
    expected = hand_sql(key)
    assert expected is not None
    assert float(row["value"]) == pytest.approx(float(expected), rel=1e-9, abs=1e-9), key
