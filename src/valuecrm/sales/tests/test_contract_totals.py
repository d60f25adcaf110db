"""Contract totals are Decimal sums of their lines, derived and never typed."""

from decimal import Decimal

import pytest

from valuecrm.sales.models import Contract, Product


@pytest.fixture
def cheap(db):
    return Product.objects.create(name="实施服务", sku="SVC-1", category="服务",
                                  list_price=Decimal("0.10"))


def test_total_is_the_exact_decimal_sum_of_discounted_lines(org, records, product, cheap, api):
    customer = records["rep_a"].customer
    response = api(org.rep_a).post("contracts", {
        "number": "HT-2026-001", "customer": customer.pk, "type": "new",
        "lines": [
            {"product": product.pk, "quantity": "3", "discount_percent": "12.5"},
            {"product": cheap.pk, "quantity": "3"},
            {"product": cheap.pk, "quantity": "1", "unit_price": "0.20"},
        ],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    # 3 x 19999.90 x 0.875 = 52499.7375 -> 52499.74; 3 x 0.10 = 0.30; 0.20
    assert body["total_amount"] == "52500.24"
    assert [line["line_total"] for line in body["lines"]] == ["52499.74", "0.30", "0.20"]
    assert Contract.objects.get(pk=body["id"]).total_amount == Decimal("52500.24")


def test_total_cannot_be_typed(org, records, product, api):
    response = api(org.rep_a).post("contracts", {
        "number": "HT-X", "customer": records["rep_a"].customer.pk, "total_amount": "1000000",
        "lines": [{"product": product.pk, "quantity": "1"}],
    })
    assert response.status_code == 422
    assert "total_amount" in response.json()["errors"]


def test_replacing_lines_recomputes_the_total(org, records, cheap, api):
    contract = records["rep_a"].contract
    response = api(org.rep_a).patch(
        f"contracts/{contract.pk}", {"lines": [{"product": cheap.pk, "quantity": "7"}]}
    )
    assert response.status_code == 200
    assert response.json()["total_amount"] == "0.70"
    assert len(response.json()["lines"]) == 1


def test_invalid_lines_are_reported_by_position_and_nothing_changes(org, records, product, api):
    contract = records["rep_a"].contract
    before = contract.total_amount
    response = api(org.rep_a).patch(f"contracts/{contract.pk}", {"lines": [
        {"product": product.pk, "quantity": "1"},
        {"product": 999999, "quantity": "1"},
    ]})
    assert response.status_code == 422
    assert "lines.1.product_id" in response.json()["errors"]
    contract.refresh_from_db()
    assert contract.total_amount == before and contract.lines.count() == 1


def test_discount_over_100_percent_is_refused(org, records, product, api):
    response = api(org.rep_a).post("contracts", {
        "number": "HT-Y", "customer": records["rep_a"].customer.pk,
        "lines": [{"product": product.pk, "quantity": "1", "discount_percent": "120"}],
    })
    assert response.status_code == 422


def test_payment_plan_shows_received_and_overdue(org, records, api):
    plan = records["rep_a"].plan
    body = api(org.rep_a).get(f"payment-plans/{plan.pk}").json()
    assert body["received"] == "4000.00"
    assert body["is_overdue"] is True
