"""Changing an order on its page (delivery.actions.modify_order): each changed field is
recorded with the reason; stale edits, signed-off orders and read-only people are refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from valuecrm.delivery.actions import create_order, move_order_stage
from valuecrm.delivery.models import OrderStage


@pytest.fixture
def order(records, org):
    return create_order(actor=org.rep_a, data={
        "number": "SO-A1", "contract_id": records["rep_a"].contract.pk,
        "quantity": Decimal("3")})


def change(order, **values):
    return {"product": "", "spec": "", "quantity": "3", "due_date": order.due_date.isoformat(),
            "reason": "", "version": order.version, **values}


def test_a_change_is_recorded_with_its_reason(order, org, client):
    url = reverse("web:order_edit", args=[order.pk])
    client.force_login(org.rep_a)
    assert url in client.get(reverse("web:order_detail", args=[order.pk])).content.decode()
    response = client.post(url, change(order, quantity="5", reason="客户追加"))
    assert response["Location"] == f"/orders/{order.pk}/"
    order.refresh_from_db()
    assert order.quantity == Decimal("5")
    assert list(order.changes.values_list("field", "old_value", "new_value", "reason")) == [
        ("quantity", "3.00", "5", "客户追加")]


def test_a_stale_or_invalid_change_is_refused(order, org, client):
    url = reverse("web:order_edit", args=[order.pk])
    client.force_login(org.rep_a)
    response = client.post(url, change(order, quantity="-1"))
    assert response.status_code == 422 and response.context["form"].errors["quantity"]
    stale = client.post(url, change(order, quantity="4", version=order.version - 1))
    assert stale.status_code == 422 and stale.context["form"].non_field_errors()
    assert not order.changes.exists()


def test_a_signed_off_order_no_longer_changes(order, org, client):
    final = OrderStage.objects.get(is_final=True)
    move_order_stage(actor=org.rep_a, pk=order.pk, stage_id=final.pk)
    order.refresh_from_db()
    client.force_login(org.rep_a)
    url = reverse("web:order_edit", args=[order.pk])
    assert url not in client.get(reverse("web:order_detail", args=[order.pk])).content.decode()
    response = client.post(url, change(order, quantity="4"))
    assert response.status_code == 422 and response.context["form"].non_field_errors()
    assert not order.changes.exists()


def test_read_only_people_and_other_teams_are_refused(order, org, client):
    url = reverse("web:order_edit", args=[order.pk])
    client.force_login(org.analyst)
    assert client.post(url, change(order, quantity="4")).status_code == 403
    client.force_login(org.rep_c)
    assert client.post(url, change(order, quantity="4")).status_code == 404
    assert not order.changes.exists()


def test_a_product_no_longer_sold_stays_on_its_order(records, org, product, client):
    order = create_order(actor=org.rep_a, data={
        "number": "SO-OLD", "contract_id": records["rep_a"].contract.pk,
        "product_id": product.pk, "quantity": Decimal("1")})
    product.is_active = False
    product.save()
    client.force_login(org.rep_a)
    url = reverse("web:order_edit", args=[order.pk])
    response = client.post(url, change(order, product=product.pk, quantity="2"))
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.product, order.quantity) == (product, Decimal("2"))
    new = client.get(reverse("web:order_create")).context["form"]
    assert product not in new.fields["product"].queryset
