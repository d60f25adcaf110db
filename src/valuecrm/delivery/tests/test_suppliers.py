"""Purchase orders: on-time delivery per supplier and the tracking-number fill rate, checked
against hand-written SQL."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from valuecrm.delivery.actions import create_purchase_order, receive_purchase_order
from valuecrm.delivery.models import PurchaseOrder
from valuecrm.delivery.queries import supplier_scorecard
from valuecrm.delivery.tests.conftest import place
from valuecrm.metrics.queries import metric_values

pytestmark = pytest.mark.django_db
ORDERED = date(2026, 3, 2)


def _purchase(rep, order, supplier, number, *, late_by, tracking=""):
    po = create_purchase_order(actor=rep, data={
        "number": number, "supplier_id": supplier.pk, "order_id": order.pk, "item": "主板",
        "quantity": Decimal("10"), "ordered_date": ORDERED,
        "promised_date": ORDERED + timedelta(days=5)})
    return receive_purchase_order(actor=rep, pk=po.pk,
                                  delivered_date=ORDERED + timedelta(days=5 + late_by),
                                  logistics_company="顺丰" if tracking else "",
                                  tracking_number=tracking)


@pytest.fixture
def purchases(org, records, suppliers):
    order_a = place(org.rep_a, records["rep_a"].contract, number="SO-P1")
    order_b = place(org.rep_b, records["rep_b"].contract, number="SO-P2")
    fast, slow = suppliers["fast"], suppliers["slow"]
    _purchase(org.rep_a, order_a, fast, "PO-1", late_by=0, tracking="SF1234567890")
    _purchase(org.rep_a, order_a, fast, "PO-2", late_by=-1, tracking="SF1234567891")
    _purchase(org.rep_a, order_a, slow, "PO-3", late_by=3)
    _purchase(org.rep_b, order_b, slow, "PO-4", late_by=0, tracking="YT0000000001")
    _purchase(org.rep_b, order_b, slow, "PO-5", late_by=2)
    create_purchase_order(actor=org.rep_b, data={
        "number": "PO-6", "supplier_id": slow.pk, "order_id": order_b.pk, "item": "外壳",
        "quantity": Decimal("1"), "ordered_date": ORDERED, "promised_date": ORDERED})


def _sql_scorecard():
    table = PurchaseOrder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT s.code, COUNT(*),
                   SUM(CASE WHEN p.delivered_date <= p.promised_date THEN 1 ELSE 0 END),
                   SUM(CASE WHEN p.tracking_number <> '' THEN 1 ELSE 0 END)
            FROM {table} p JOIN delivery_supplier s ON s.id = p.supplier_id
            WHERE p.delivered_date IS NOT NULL GROUP BY s.code ORDER BY s.code""")
        return {code: (n, on_time, tracked) for code, n, on_time, tracked in cursor.fetchall()}


def test_on_time_and_fill_rates_equal_hand_written_sql(org, purchases, api):
    expected = _sql_scorecard()
    assert expected == {"fast": (2, 2, 2), "slow": (3, 1, 1)}
    card = {row["code"]: row for row in supplier_scorecard(org.admin)}
    for code, (n, on_time, tracked) in expected.items():
        assert card[code]["received"] == n
        assert card[code]["on_time_rate"] == round(on_time / n, 4)
        assert card[code]["tracking_fill_rate"] == round(tracked / n, 4)
    span = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}
    by_supplier = metric_values(user=org.admin, key="supplier_on_time_rate", by=("supplier",),
                                **span)
    rates = {row["dims"]["supplier"]["label"]: float(row["value"])
             for row in by_supplier["totals"]}
    assert rates == {"fast 供应商": 1.0, "slow 供应商": pytest.approx(1 / 3)}
    fill = metric_values(user=org.admin, key="tracking_number_fill_rate", **span)
    assert float(fill["totals"][0]["value"]) == pytest.approx(3 / 5)
    api_card = api(org.admin).get("delivery/suppliers", **{"from": "2026-03-01"}).json()
    assert [row["code"] for row in api_card] == ["fast", "slow"]


def test_a_rep_scores_suppliers_on_their_own_purchase_orders(org, purchases, api):
    card = {row["code"]: row for row in api(org.rep_b).get("delivery/suppliers").json()}
    assert card == {"slow": {**card["slow"], "received": 2, "on_time": 1, "tracked": 1}}


def test_receiving_twice_or_in_the_future_is_refused(org, purchases, api):
    po = PurchaseOrder.objects.get(number="PO-1")
    again = api(org.rep_a).post(f"purchase-orders/{po.pk}/receive",
                                {"delivered_date": "2026-03-08"})
    assert again.status_code == 409
    pending = PurchaseOrder.objects.get(number="PO-6")
    future = api(org.rep_b).post(f"purchase-orders/{pending.pk}/receive",
                                 {"delivered_date": str(date.today() + timedelta(days=2))})
    assert future.status_code == 422 and "delivered_date" in future.json()["errors"]
    listed = api(org.rep_b).get("purchase-orders", pending=True).json()
    assert [row["number"] for row in listed["items"]] == ["PO-6"]


def test_a_promise_before_the_order_date_is_refused(org, records, suppliers, api):
    order = place(org.rep_a, records["rep_a"].contract, number="SO-P9")
    response = api(org.rep_a).post("purchase-orders", {
        "number": "PO-X", "supplier": suppliers["fast"].pk, "order": order.pk, "item": "主板",
        "quantity": "1", "ordered_date": "2026-03-05", "promised_date": "2026-03-01"})
    assert response.status_code == 422 and "promised_date" in response.json()["errors"]
