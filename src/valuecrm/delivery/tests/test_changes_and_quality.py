"""Order modifications are recorded field by field; inspections and returns give the pass
and return rates, traced to each other by product."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from valuecrm.delivery.actions import modify_order
from valuecrm.delivery.queries import lateness_by_changes, quality_trace
from valuecrm.delivery.tests.conftest import T0, place, walk
from valuecrm.metrics.queries import metric_values

pytestmark = pytest.mark.django_db


def test_modifications_are_recorded_with_old_and_new_values(org, records, stages, api,
                                                            product):
    order = place(org.rep_a, records["rep_a"].contract, number="SO-M1", spec="蓝色")
    client = api(org.rep_a)
    response = client.patch(f"orders/{order.pk}", {
        "quantity": "12", "spec": "红色", "due_date": "2026-03-20", "reason": "客户追加数量",
        "version": order.version})
    assert response.status_code == 200, response.content
    assert response.json()["quantity"] == "12.00"
    changes = client.get(f"orders/{order.pk}/changes").json()
    assert {(c["field"], c["old_value"], c["new_value"]) for c in changes} == {
        ("quantity", "10.00", "12"), ("spec", "蓝色", "红色"),
        ("due_date", str(order.due_date), "2026-03-20")}
    assert {c["reason"] for c in changes} == {"客户追加数量"}
    unchanged = client.patch(f"orders/{order.pk}", {"spec": "红色"})
    assert unchanged.status_code == 200
    assert len(client.get(f"orders/{order.pk}/changes").json()) == 3
    stale = client.patch(f"orders/{order.pk}", {"spec": "绿色", "version": order.version})
    assert stale.status_code == 409


def test_stage_and_number_cannot_be_changed_by_a_modification(org, records, stages, api):
    order = place(org.rep_a, records["rep_a"].contract, number="SO-M2")
    response = api(org.rep_a).patch(f"orders/{order.pk}", {"stage": stages["shipped"].pk})
    assert response.status_code == 422
    bad = api(org.rep_a).patch(f"orders/{order.pk}", {"quantity": "0"})
    assert bad.status_code == 422 and "quantity" in bad.json()["errors"]


def test_a_signed_off_order_is_not_modified(org, records, stages, api):
    order = walk(org.rep_a, place(org.rep_a, records["rep_a"].contract, number="SO-M3"),
                 stages, [1, 1, 1, 1, 1])
    response = api(org.rep_a).patch(f"orders/{order.pk}", {"quantity": "3"})
    assert response.status_code == 409 and response.json()["code"] == "order_completed"


def test_lateness_grows_with_the_number_of_changes(org, records, stages):
    contract = records["rep_a"].contract
    plans = [(0, [0.5, 1, 2, 2, 1]), (0, [0.5, 1, 2, 1, 1]), (2, [0.5, 1, 5, 2, 1]),
             (3, [0.5, 1, 6, 3, 1])]
    for n, (changes, days) in enumerate(plans):
        order = place(org.rep_a, contract, number=f"SO-L{n}")
        for k in range(changes):
            order = modify_order(actor=org.rep_a, pk=order.pk,
                                 changes={"quantity": Decimal(11 + k)})
        walk(org.rep_a, order, stages, days)
    rows = {r["changes"]: r for r in lateness_by_changes(org.rep_a)}
    assert rows["0"]["orders"] == 2 and rows["0"]["late_rate"] == 0
    assert rows["2"]["late_rate"] == 1 and rows["3+"]["late"] == 1
    assert rows["3+"]["mean_lead_time_days"] == pytest.approx(11.5)


def _delivered(rep, contract, stages, number, quantity, product):
    order = place(rep, contract, number=number, quantity=quantity, product_id=product.pk)
    return walk(rep, order, stages, [0.5, 1, 1, 1, 1])


def test_pass_rate_and_return_rate_trace_to_each_other(org, records, stages, product, api):
    contract = records["rep_a"].contract
    order = place(org.rep_a, contract, number="SO-Q1", quantity="100", product_id=product.pk)
    early = api(org.rep_a).post(f"orders/{order.pk}/inspections", {"passed_quantity": "10"})
    assert early.status_code == 409 and early.json()["code"] == "not_in_production"
    order = walk(org.rep_a, order, stages, [0.5, 1, 1])
    client = api(org.rep_a)
    no_reason = client.post(f"orders/{order.pk}/inspections",
                            {"passed_quantity": "90", "failed_quantity": "10"})
    assert no_reason.status_code == 422 and "defect_reason" in no_reason.json()["errors"]
    ok = client.post(f"orders/{order.pk}/inspections", {
        "passed_quantity": "90", "failed_quantity": "10", "defect_reason": "外壳划伤",
        "at": (T0 + timedelta(days=3)).isoformat()})
    assert ok.status_code == 201, ok.content
    not_shipped = client.post(f"orders/{order.pk}/returns", {"quantity": "1", "reason": "x"})
    assert not_shipped.status_code == 409
    order = walk(org.rep_a, order, {"production": None, "shipped": stages["shipped"],
                                    "signed_off": stages["signed_off"]}, [1, 1],
                 start=order.stage_entered_at)
    returned = client.post(f"orders/{order.pk}/returns", {
        "quantity": "4", "reason": "外壳划伤", "at": (T0 + timedelta(days=6)).isoformat()})
    assert returned.status_code == 201, returned.content
    too_many = client.post(f"orders/{order.pk}/returns", {"quantity": "97", "reason": "x"})
    assert too_many.status_code == 422 and "quantity" in too_many.json()["errors"]
    trace = quality_trace(org.rep_a, by="product")
    assert trace == [{"product": product.sku, "passed": 90.0, "failed": 10.0, "pass_rate": 0.9,
                      "delivered": 100.0, "returned": 4.0, "return_rate": 0.04}]
    span = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}
    for key, expected in (("pass_rate", 0.9), ("return_rate", 0.04)):
        values = metric_values(user=org.rep_a, key=key, **span)
        assert float(values["totals"][0]["value"]) == pytest.approx(expected)
    assert api(org.rep_a).get("delivery/quality", by="month").json()[0]["pass_rate"] == 0.9
