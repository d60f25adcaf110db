"""Placing a sales order from the order list or from its contract's page: the form posts to
delivery.actions.create_order; the contract is named by its number and must be one the
user can see."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from valuecrm.delivery.models import Order, OrderStage

URL = "/orders/new/"


def order_post(contract, product, **changes):
    return {"number": "SO-2026-001", "contract": contract.number, "product": product.pk,
            "spec": "50 用户", "quantity": "3", "due_date": "2027-01-15", "placed_at": "",
            **changes}


def test_a_rep_places_an_order_from_the_list(records, org, product, client):
    contract = records["rep_a"].contract
    client.force_login(org.rep_a)
    assert URL in client.get(reverse("web:order_list")).content.decode()
    response = client.post(URL, order_post(contract, product))
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    assert (order.number, order.contract, order.product, order.spec) == (
        "SO-2026-001", contract, product, "50 用户")
    assert order.quantity == Decimal("3") and order.due_date == date(2027, 1, 15)
    assert order.stage == OrderStage.objects.filter(is_active=True).first()
    assert "SO-2026-001" in str(list(client.get(response["Location"]).context["messages"])[0])


def test_the_contract_page_prefills_the_order(records, org, product, client):
    contract = records["rep_a"].contract
    client.force_login(org.rep_a)
    link = f"{URL}?contract={contract.pk}"
    assert link in client.get(reverse("web:contract_detail", args=[contract.pk])).content.decode()
    form = client.get(link).context["form"]
    assert form["contract"].value() == contract.number
    assert (form["product"].value(), form["quantity"].value()) == (product.pk, Decimal("2"))
    response = client.post(link, order_post(contract, product, due_date="", quantity="2"),
                           HTTP_HX_REQUEST="true")
    order = Order.objects.get()
    assert response["HX-Redirect"] == f"/orders/{order.pk}/"
    # No due date given: the action sets placement day plus the delivery target.
    assert order.due_date > order.placed_at.date()


def test_bad_input_shows_field_errors_and_places_nothing(records, org, product, client):
    contract = records["rep_a"].contract
    client.force_login(org.rep_a)
    response = client.post(URL, order_post(contract, product, quantity="0", number=""),
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "<html" not in response.content.decode()
    assert set(response.context["form"].errors) == {"number"}
    # The shape is right; the model's rule (a positive quantity) comes from the action.
    response = client.post(URL, order_post(contract, product, quantity="0"))
    assert response.status_code == 422 and response.context["form"].errors["quantity"]
    assert not Order.objects.exists()


def test_a_contract_outside_the_users_scope_cannot_be_picked(records, org, product, client):
    theirs = records["rep_b"].contract  # team B, under the same department
    for who in ("rep_a", "manager_a"):
        client.force_login(getattr(org, who))
        response = client.post(URL, order_post(theirs, product))
        assert response.status_code == 422 and response.context["form"].errors["contract"]
        assert client.get(f"{URL}?contract={theirs.pk}").status_code == 404
    assert not Order.objects.exists()
    client.force_login(org.head_east)
    assert client.post(URL, order_post(theirs, product)).status_code == 302
    assert Order.objects.get().contract == theirs


def test_read_only_people_are_refused(records, org, product, client):
    client.force_login(org.analyst)
    assert URL not in client.get(reverse("web:order_list")).content.decode()
    assert client.get(URL).status_code == 403
    assert client.post(URL, order_post(records["rep_a"].contract, product)).status_code == 403
    assert not Order.objects.exists()
