"""The process view, the data-quality page and the usage page: each shows its app's
numbers for the reader's scope, says what to do when there is nothing to show, and draws
its chart from a data-option HTMX can swap."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from valuecrm.delivery.actions import create_purchase_order, receive_purchase_order
from valuecrm.delivery.models import OrderStage, Supplier
from valuecrm.delivery.tests.conftest import place, walk
from valuecrm.usage import buffer


@pytest.fixture
def stages(db):
    return {s.code: s for s in OrderStage.objects.all()}


@pytest.fixture
def order_log(org, records, stages):
    """rep_a: two orders (one goes back to procurement), rep_b: one."""
    start = timezone.now() - timedelta(days=40)
    a1 = place(org.rep_a, records["rep_a"].contract, number="SO-A1", at=start)
    walk(org.rep_a, a1, stages, [1, 2, 10, 3, 1])
    a2 = place(org.rep_a, records["rep_a"].contract, number="SO-A2",
               at=start + timedelta(days=20))
    walk(org.rep_a, a2, stages, [1, 2])
    from valuecrm.delivery.actions import move_order_stage
    move_order_stage(actor=org.rep_a, pk=a2.pk, stage_id=stages["contract_effective"].pk,
                     at=start + timedelta(days=24))
    b1 = place(org.rep_b, records["rep_b"].contract, number="SO-B1", at=start)
    walk(org.rep_b, b1, stages, [1, 1])


def _chart(page: str) -> dict:
    raw = re.search(r'id="process-chart"[^>]*data-option="([^"]*)"', page).group(1)
    return json.loads(raw.replace("&quot;", '"').replace("&amp;", "&"))


def test_process_view_shows_stage_shares_bottleneck_and_rework(client, org, order_log,
                                                               stages):
    client.force_login(org.rep_a)
    url = reverse("web:process_view")
    assert "Pick an event log" in client.get(url).content.decode()
    page = client.get(url, {"source": "orders", "start": "2000-01-01",
                            "target_days": "5"}).content.decode()
    assert re.search(r"Cases<strong>2</strong>", page)  # rep_b's order is not theirs
    chart = _chart(page)
    assert stages["procurement"].name_en in chart["xAxis"]["data"]
    shares = chart["series"][0]["data"]
    assert abs(sum(shares) - 100) < 0.5
    bottlenecks = page[page.index("Bottlenecks"):page.index("</ol>", page.index("Bottlenecks"))]
    assert stages["procurement"].name_en in bottlenecks.split("</li>")[0]
    assert "1 cases (50.0%) repeated a stage." in page
    assert "SO-A1" in page  # over the 5-day target


def test_process_view_compares_before_and_after_a_date(client, org, order_log):
    client.force_login(org.analyst)
    cut = (timezone.localdate() - timedelta(days=30)).isoformat()
    page = client.get(reverse("web:process_view"), {
        "source": "orders", "start": "2000-01-01", "compare_before": cut}).content.decode()
    assert "Comparison" in page
    assert "started before" in page and "started on or after" in page


def test_process_view_explains_an_empty_span(client, org, order_log):
    client.force_login(org.rep_a)
    page = client.get(reverse("web:process_view"), {
        "source": "orders", "start": "2001-01-01", "end": "2001-12-31"}).content.decode()
    assert "No case of orders began in this span." in page


def test_process_view_reads_approvals_and_opportunities(client, org, records):
    client.force_login(org.rep_a)
    page = client.get(reverse("web:process_view"),
                      {"source": "opportunities", "start": "2000-01-01"}).content.decode()
    assert 'id="process-chart"' in page or "No events of opportunities" in page
    response = client.get(reverse("web:process_view"), {"source": "nothing"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


@pytest.fixture
def tracking(org, records, stages):
    """Purchase orders of rep_a (one without tracking number) and of rep_b."""
    supplier = Supplier.objects.create(name="懒供应商", code="LAZY")
    for rep, number, tracked in ((org.rep_a, "PO-A1", ""), (org.rep_a, "PO-A2", "SF123456789"),
                                 (org.rep_b, "PO-B1", "")):
        order = place(rep, records[rep.username].contract, number=f"SO-{number}",
                      at=timezone.now() - timedelta(days=9))
        po = create_purchase_order(actor=rep, data={
            "number": number, "supplier_id": supplier.pk, "order_id": order.pk, "item": "件",
            "quantity": Decimal("1"), "ordered_date": date.today() - timedelta(days=8),
            "promised_date": date.today() - timedelta(days=2)})
        receive_purchase_order(actor=rep, pk=po.pk, delivered_date=date.today() - timedelta(
            days=1), tracking_number=tracked)
    return supplier


def test_quality_page_lists_monitors_rates_and_offenders_in_scope(client, org, tracking):
    client.force_login(org.rep_a)
    url = reverse("web:quality_page")
    page = client.get(url).content.decode()
    assert "Tracking number filled in" in page and "Pick a monitor" in page
    page = client.get(url, {"monitor": "tracking_number_filled", "by": "supplier"}
                      ).content.decode()
    offenders = page[page.index("Records to follow up"):]
    assert "PO-A1" in offenders and "PO-A2" not in offenders and "PO-B1" not in offenders
    assert reverse("web:order_detail", args=[tracking.purchase_orders.get(
        number="PO-A1").order_id]) in offenders
    assert 'id="quality-chart"' in page and "懒供应商" in page and "50.0%" in page


def test_usage_page_shows_activity_adoption_and_team_report(client, org, records):
    for person in (org.rep_a, org.rep_a2, org.rep_b):
        buffer.record(user_id=person.pk, unit_id=person.unit_id, feature="leads",
                      action="page_view", session=f"s{person.pk}")
    buffer.flush()
    client.force_login(org.manager_a)
    url = reverse("web:usage_page")
    page = client.get(url).content.decode()
    # Team A only: rep_a, rep_a2 and the manager; rep_b is in team B.
    assert re.search(r"Licensed users<strong>3</strong>", page)
    assert re.search(r"Active users<strong>[23]</strong>", page)
    assert 'id="usage-chart"' in page and "Under-used useful features" in page
    page = client.get(url, {"org": org.team_a.pk}).content.decode()
    assert f"Usage report of {org.team_a.name}" in page
    client.force_login(org.rep_a)
    page = client.get(url).content.decode()
    assert re.search(r"Licensed users<strong>1</strong>", page)
    assert client.get(url, {"org": org.team_c.pk}).status_code == 200  # ignored, not shown
