"""Orders are scoped through their contract's owner: a rep never sees another rep's orders,
stage events, changes, inspections, returns or purchase orders, through any endpoint."""

from datetime import date, timedelta

import pytest

from valuecrm.delivery.actions import create_purchase_order, record_inspection
from valuecrm.delivery.tests.conftest import place, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(org, records, stages, suppliers, product):
    result = {}
    for rep in (org.rep_a, org.rep_b):
        order = place(rep, records[rep.username].contract, number=f"SO-{rep.username}",
                      product_id=product.pk)
        order = walk(rep, order, stages, [1, 1, 1, 1, 1])
        record_inspection(actor=rep, order_id=order.pk, passed_quantity=10)
        create_purchase_order(actor=rep, data={
            "number": f"PO-{rep.username}", "supplier_id": suppliers["fast"].pk,
            "order_id": order.pk, "item": "主板", "quantity": 1,
            "promised_date": date.today() + timedelta(days=3)})
        result[rep.username] = order
    return result


def test_lists_and_reports_show_only_what_the_rep_may_see(org, orders, api):
    client = api(org.rep_b)
    assert [o["number"] for o in client.get("orders").json()["items"]] == ["SO-rep_b"]
    assert [p["number"] for p in client.get("purchase-orders").json()["items"]] == ["PO-rep_b"]
    assert client.get("delivery/stages").json()["orders"] == 1
    assert [r["received"] for r in client.get("delivery/suppliers").json()] == []
    assert [r["passed"] for r in client.get("delivery/quality").json()] == [10.0]
    assert sum(r["orders"] for r in client.get("delivery/lateness").json()) == 1
    manager = api(org.manager_a)
    assert [o["number"] for o in manager.get("orders").json()["items"]] == ["SO-rep_a"]
    head = api(org.head_east)
    assert {o["number"] for o in head.get("orders").json()["items"]} == {"SO-rep_a", "SO-rep_b"}


def test_another_reps_order_answers_404_everywhere(org, orders, stages, api):
    other = orders["rep_a"]
    po = other.purchase_orders.get()
    client = api(org.rep_b)
    reads = [f"orders/{other.pk}", f"orders/{other.pk}/stage-events",
             f"orders/{other.pk}/changes", f"orders/{other.pk}/inspections",
             f"orders/{other.pk}/returns", f"orders/{other.pk}/history",
             f"purchase-orders/{po.pk}"]
    for path in reads:
        assert client.get(path).status_code == 404, path
    writes = [
        ("post", f"orders/{other.pk}/move", {"stage": stages["shipped"].pk}),
        ("patch", f"orders/{other.pk}", {"spec": "x"}),
        ("post", f"orders/{other.pk}/inspections", {"passed_quantity": "1"}),
        ("post", f"orders/{other.pk}/returns", {"quantity": "1", "reason": "x"}),
        ("patch", f"purchase-orders/{po.pk}", {"tracking_number": "SF000000000"}),
        ("post", f"purchase-orders/{po.pk}/receive", {"delivered_date": str(date.today())}),
    ]
    for method, path, body in writes:
        assert getattr(client, method)(path, body).status_code == 404, path
    foreign = client.post("orders", {"number": "SO-steal", "contract": other.contract_id,
                                     "quantity": "1"})
    assert foreign.status_code == 422 and "contract" in foreign.json()["errors"]
    steal_po = client.post("purchase-orders", {
        "number": "PO-steal", "supplier": po.supplier_id, "order": other.pk, "item": "x",
        "quantity": "1", "promised_date": str(date.today())})
    assert steal_po.status_code == 422 and "order" in steal_po.json()["errors"]


def test_the_analyst_reads_everything_and_changes_nothing(org, orders, stages, api):
    client = api(org.analyst)
    assert client.get("orders").json()["count"] == 2
    order = orders["rep_a"]
    assert client.post(f"orders/{order.pk}/move",
                       {"stage": stages["shipped"].pk}).status_code in (403, 404)
    assert client.post("suppliers", {"name": "新供应商", "code": "new"}).status_code == 403


def test_only_administrators_maintain_suppliers(org, api):
    assert api(org.rep_a).post("suppliers", {"name": "A", "code": "a"}).status_code == 403
    created = api(org.admin).post("suppliers", {"name": "华强电子", "code": "hq"})
    assert created.status_code == 201
    assert [s["code"] for s in api(org.rep_a).get("suppliers").json()["items"]] == ["hq"]
    assert api(None).get("orders").status_code == 401
