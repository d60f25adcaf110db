"""Delivery pages: the order list (scope, filters, sort), an order's page (stage timeline
with rework, purchase orders with tracking numbers, modifications, inspections, returns),
moving an order through the existing action, and the supplier scorecard."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from valuecrm.delivery.actions import (
    create_order,
    create_purchase_order,
    modify_order,
    move_order_stage,
    receive_purchase_order,
)
from valuecrm.delivery.models import OrderStage, OrderStageEvent, Supplier


@pytest.fixture
def stages(db):
    return {s.code: s for s in OrderStage.objects.all()}


def place(rep, contract, number, *, days_ago=2):
    return create_order(actor=rep, data={
        "number": number, "contract_id": contract.pk, "quantity": Decimal("3"),
        "placed_at": timezone.now() - timedelta(days=days_ago)})


@pytest.fixture
def orders(org, records, stages):
    mine = place(org.rep_a, records["rep_a"].contract, "SO-A1")
    other = place(org.rep_b, records["rep_b"].contract, "SO-B1")
    return mine, other


def test_a_rep_lists_only_their_orders(client, org, orders):
    client.force_login(org.rep_a)
    page = client.get(reverse("web:order_list")).content.decode()
    assert "SO-A1" in page and "SO-B1" not in page
    client.force_login(org.analyst)
    page = client.get(reverse("web:order_list")).content.decode()
    assert "SO-A1" in page and "SO-B1" in page


def test_another_reps_order_answers_404(client, org, orders):
    mine, other = orders
    client.force_login(org.rep_a)
    assert client.get(reverse("web:order_detail", args=[other.pk])).status_code == 404
    response = client.post(reverse("web:order_move", args=[other.pk]), {"stage": 2})
    assert response.status_code == 404
    assert other.stage_events.count() == 1


def test_filters_by_stage_timeliness_and_supplier(client, org, records, stages, orders):
    mine, _other = orders
    late = place(org.rep_a, records["rep_a"].contract, "SO-A2", days_ago=60)
    supplier = Supplier.objects.create(name="华东钢材", code="HD")
    create_purchase_order(actor=org.rep_a, data={
        "number": "PO-1", "supplier_id": supplier.pk, "order_id": late.pk, "item": "钢板",
        "quantity": Decimal("1"), "ordered_date": date.today() - timedelta(days=50),
        "promised_date": date.today() - timedelta(days=40)})
    move_order_stage(actor=org.rep_a, pk=mine.pk, stage_id=stages["procurement"].pk)
    client.force_login(org.rep_a)
    url = reverse("web:order_list")

    def numbers(**params):
        page = client.get(url, params).content.decode()
        return {n for n in ("SO-A1", "SO-A2") if n in page}

    assert numbers(stage=stages["procurement"].pk) == {"SO-A1"}
    assert numbers(timeliness="late") == {"SO-A2"}  # open past its due date
    assert numbers(supplier=supplier.pk) == {"SO-A2"}
    assert numbers(placed_from=(date.today() - timedelta(days=30)).isoformat()) == {"SO-A1"}
    page = client.get(url, {"sort": "placed_at"}).content.decode()
    assert page.index("SO-A2") < page.index("SO-A1")


def test_order_page_shows_stages_rework_and_purchase_orders(client, org, records, stages):
    order = place(org.rep_a, records["rep_a"].contract, "SO-A1", days_ago=10)
    start = order.placed_at
    move_order_stage(actor=org.rep_a, pk=order.pk, stage_id=stages["procurement"].pk,
                     at=start + timedelta(days=2))
    move_order_stage(actor=org.rep_a, pk=order.pk, stage_id=stages["contract_effective"].pk,
                     at=start + timedelta(days=3), note="合同条款变更")
    modify_order(actor=org.rep_a, pk=order.pk, changes={"quantity": Decimal("5")},
                 reason="客户追加")
    supplier = Supplier.objects.create(name="华东钢材", code="HD")
    po = create_purchase_order(actor=org.rep_a, data={
        "number": "PO-9", "supplier_id": supplier.pk, "order_id": order.pk, "item": "钢板",
        "quantity": Decimal("1"), "ordered_date": date.today() - timedelta(days=5),
        "promised_date": date.today() - timedelta(days=2)})
    receive_purchase_order(actor=org.rep_a, pk=po.pk, delivered_date=date.today(),
                           logistics_company="顺丰", tracking_number="SF1234567890")
    client.force_login(org.rep_a)
    page = client.get(reverse("web:order_detail", args=[order.pk])).content.decode()
    assert "合同条款变更" in page and "客户追加" in page
    assert "SF1234567890" in page and "顺丰" in page and "华东钢材" in page
    timeline = page[page.index('id="stage-timeline"'):]
    assert timeline.count('class="rework') == 1  # going back to contract effective
    assert stages["procurement"].name_en in timeline


def test_an_open_order_past_its_due_date_is_marked(client, org, records):
    order = place(org.rep_a, records["rep_a"].contract, "SO-A1", days_ago=90)
    client.force_login(org.rep_a)
    for url in (reverse("web:order_detail", args=[order.pk]), reverse("web:order_list")):
        assert "Past due" in client.get(url).content.decode(), url


def test_moving_an_order_goes_through_the_action(client, org, records, stages):
    order = place(org.rep_a, records["rep_a"].contract, "SO-A1")
    client.force_login(org.rep_a)
    url = reverse("web:order_move", args=[order.pk])
    response = client.post(url, {"stage": stages["procurement"].pk, "note": "开始采购"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("web:order_detail", args=[order.pk])
    event = OrderStageEvent.objects.filter(order=order).latest("entered_at")
    assert (event.stage, event.note, event.actor) == (stages["procurement"], "开始采购",
                                                      org.rep_a)
    # Moving back is allowed and recorded as rework.
    client.post(url, {"stage": stages["placed"].pk})
    assert OrderStageEvent.objects.filter(order=order).latest("entered_at").is_rework


def test_a_refused_move_says_why(client, org, records, stages):
    order = place(org.rep_a, records["rep_a"].contract, "SO-A1")
    client.force_login(org.rep_a)
    response = client.post(reverse("web:order_move", args=[order.pk]), {"stage": "999"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'id="order-move"' in response.content.decode()
    client.force_login(org.analyst)
    response = client.post(reverse("web:order_move", args=[order.pk]),
                           {"stage": stages["procurement"].pk})
    assert response.status_code == 403
    assert order.stage_events.count() == 1


def test_supplier_scorecard_shows_on_time_and_tracking_fill_rates(client, org, records,
                                                                   stages):
    order = place(org.rep_a, records["rep_a"].contract, "SO-A1")
    supplier = Supplier.objects.create(name="慢供应商", code="SLOW")
    for n, (late, tracked) in enumerate([(True, False), (False, True)]):
        po = create_purchase_order(actor=org.rep_a, data={
            "number": f"PO-{n}", "supplier_id": supplier.pk, "order_id": order.pk,
            "item": "件", "quantity": Decimal("1"),
            "ordered_date": date.today() - timedelta(days=20),
            "promised_date": date.today() - timedelta(days=10)})
        receive_purchase_order(
            actor=org.rep_a, pk=po.pk,
            delivered_date=date.today() - timedelta(days=5 if late else 12),
            tracking_number="SF0000000001" if tracked else "")
    client.force_login(org.rep_a)
    page = client.get(reverse("web:supplier_list")).content.decode()
    row = page[page.index("慢供应商"):]
    row = row[:row.index("</tr>")]
    assert row.count("50.0%") == 2
    client.force_login(org.rep_b)  # not their purchase orders
    assert "慢供应商" not in client.get(reverse("web:supplier_list")).content.decode()
