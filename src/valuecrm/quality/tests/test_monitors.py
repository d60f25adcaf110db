"""Data-quality monitors: rates by supplier, team and owner over time against targets,
the offending records (scoped), agreement with their catalog metrics, and clear errors for
bad rule files."""

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from valuecrm.delivery.actions import create_order, create_purchase_order
from valuecrm.delivery.models import Order, PurchaseOrder, Supplier
from valuecrm.metrics.queries import metric_values
from valuecrm.quality.monitors import MonitorError, load_monitors, monitor_rates, offenders

pytestmark = pytest.mark.django_db
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 4, 30)}

# (rep, supplier, delivered, tracking number)
ROWS = [
    ("rep_a", "good", date(2026, 3, 3), "SF1000000001"),
    ("rep_a", "good", date(2026, 3, 9), "SF1000000002"),
    ("rep_a", "lazy", date(2026, 3, 10), ""),
    ("rep_a", "lazy", date(2026, 4, 2), "abc"),
    ("rep_b", "lazy", date(2026, 4, 5), ""),
    ("rep_b", "good", date(2026, 4, 6), "SF1000000001"),  # the same number as rep_a's
]


@pytest.fixture
def purchases(org, records):
    suppliers = {code: Supplier.objects.create(name=f"{code}供应商", code=code)
                 for code in ("good", "lazy")}
    orders = {rep.username: create_order(actor=rep, data={
        "number": f"SO-{rep.username}", "contract_id": records[rep.username].contract.pk,
        "quantity": Decimal(1)}) for rep in (org.rep_a, org.rep_b)}
    for n, (rep, supplier, delivered, tracking) in enumerate(ROWS):
        po = create_purchase_order(actor=getattr(org, rep), data={
            "number": f"PO-{n}", "supplier_id": suppliers[supplier].pk,
            "order_id": orders[rep].pk, "item": "主板", "quantity": Decimal(1),
            "ordered_date": date(2026, 3, 1), "promised_date": date(2026, 3, 8)})
        # Received as history: the receive action refuses nothing here but dates past.
        PurchaseOrder.objects.filter(pk=po.pk).update(delivered_date=delivered,
                                                      tracking_number=tracking)
    return suppliers


def test_fill_rate_by_supplier_and_month_against_the_target(org, purchases):
    result = monitor_rates(org.admin, "tracking_number_filled", by="supplier", **MARCH)
    assert result["total"] == {"records": 6, "passing": 4, "failing": 2, "rate": 0.6667,
                               "meets_target": False}
    by = {row["label"]: row for row in result["rows"]}
    assert by["good供应商"]["rate"] == 1.0 and by["good供应商"]["meets_target"] is True
    assert by["lazy供应商"]["rate"] == pytest.approx(1 / 3, abs=1e-4)
    monthly = monitor_rates(org.admin, "tracking_number_filled", grain="month", **MARCH)
    assert [(row["period"], row["records"], row["passing"]) for row in monthly["rows"]] == [
        (date(2026, 3, 1), 3, 2), (date(2026, 4, 1), 3, 2)]
    by_owner = monitor_rates(org.manager_a, "tracking_number_filled", by="owner", **MARCH)
    assert [row["label"] for row in by_owner["rows"]] == ["rep_a"]


def test_format_and_uniqueness(org, purchases):
    fmt = monitor_rates(org.admin, "tracking_number_format", **MARCH)
    assert (fmt["total"]["records"], fmt["total"]["passing"]) == (4, 3)
    assert [po.tracking_number for po in offenders(org.admin, "tracking_number_format",
                                                    **MARCH)] == ["abc"]
    unique = monitor_rates(org.admin, "tracking_number_unique", **MARCH)
    assert (unique["total"]["records"], unique["total"]["passing"]) == (4, 2)
    # A duplicate of another rep's number still counts, but only your own rows are listed.
    mine = offenders(org.rep_b, "tracking_number_unique", **MARCH)
    assert [po.number for po in mine] == ["PO-5"]


def test_offenders_are_the_callers_own_records(org, purchases, api):
    assert {po.number for po in offenders(org.admin, "tracking_number_filled", **MARCH)} == {
        "PO-2", "PO-4"}
    body = api(org.rep_b).get("quality/monitors/tracking_number_filled/offenders",
                              **{"from": "2026-03-01", "to": "2026-04-30"}).json()
    assert body["count"] == 1 and [row["record"] for row in body["items"]] == ["PO-4"]
    rates = api(org.rep_b).get("quality/monitors/tracking_number_filled",
                               **{"from": "2026-03-01", "to": "2026-04-30", "by": "supplier"})
    assert rates.json()["total"]["records"] == 2
    bad = api(org.rep_b).get("quality/monitors/tracking_number_filled",
                             **{"from": "2026-03-01", "to": "2026-04-30", "by": "region"})
    assert bad.status_code == 422 and "by" in bad.json()["errors"]
    assert api(org.rep_b).get("quality/monitors/nope", **{"from": "2026-03-01",
                                                           "to": "2026-03-02"}).status_code == 404


def test_freshness_of_open_orders(org, purchases):
    today = timezone.localdate()
    span = {"start": today - timedelta(days=30), "end": today}
    assert monitor_rates(org.admin, "open_order_fresh", **span)["total"]["rate"] == 1.0
    Order.objects.filter(number="SO-rep_b").update(
        updated_at=timezone.now() - timedelta(days=10))
    result = monitor_rates(org.admin, "open_order_fresh", **span)
    assert (result["total"]["records"], result["total"]["passing"]) == (2, 1)
    assert [o.number for o in offenders(org.admin, "open_order_fresh", **span)] == ["SO-rep_b"]


def test_every_monitor_with_a_metric_gives_the_same_rate(org, purchases):
    from valuecrm.quality.monitors import get_monitors

    for key, monitor in get_monitors().items():
        span = MARCH if monitor.model == "delivery.PurchaseOrder" else {
            "start": timezone.localdate() - timedelta(days=30), "end": timezone.localdate()}
        rate = monitor_rates(org.admin, key, **span)["total"]["rate"]
        if monitor.metric is None:
            assert monitor.check == "unique"
            continue
        metric = metric_values(user=org.admin, key=monitor.metric, **span)
        value = metric["totals"][0]["value"]
        assert (None if value is None else round(float(value), 4)) == rate, key
        assert metric["metric"]["category"] == "data_quality"


def test_the_command_lists_rates_and_offenders(org, purchases):
    out = StringIO()
    call_command("quality", "check", "--from", "2026-03-01", "--to", "2026-04-30", stdout=out)
    assert "tracking_number_filled: 66.7% of 6 (target 100%)  below target" in out.getvalue()
    out = StringIO()
    call_command("quality", "offenders", "tracking_number_filled", "--from", "2026-03-01",
                 "--to", "2026-04-30", "--as", "rep_b", "--format", "json", stdout=out)
    assert [row["record"] for row in json.loads(out.getvalue())] == ["PO-4"]


@pytest.mark.parametrize(("text", "message"), [
    ("monitors:\n  - {key: a, label: {zh: 甲, en: A}, model: crm.Nope, field: x, "
     "check: required, time_field: created_at}", "field 'model': unknown model"),
    ("monitors:\n  - {key: a, label: {zh: 甲, en: A}, model: crm.Customer, field: phone, "
     "check: format, pattern: '(', time_field: created_at}", "field 'pattern'"),
    ("monitors:\n  - {key: a, label: {zh: 甲, en: A}, model: crm.Customer, field: phonez, "
     "check: required, time_field: created_at}", "field 'field'"),
    ("monitors:\n  - {key: a, label: {zh: 甲, en: A}, model: crm.Customer, field: phone, "
     "check: sometimes, time_field: created_at}", "field 'check'"),
])
def test_a_bad_rule_file_names_the_rule_and_field(tmp_path, text, message):
    path = tmp_path / "monitors.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MonitorError, match=message) as error:
        load_monitors([path])
    assert str(path) in str(error.value) and "monitor 'a'" in str(error.value)
