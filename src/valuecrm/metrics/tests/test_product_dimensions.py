"""Product price band (configurable edges over list price) and popularity tier (rank by
units sold on signed contracts: top 20% A, next 30% B, rest C, computed in SQL), checked
against values computed by hand."""

from datetime import date
from decimal import Decimal

import pytest

from valuecrm.crm.models import Customer
from valuecrm.metrics.dimensions import popularity_tiers
from valuecrm.metrics.queries import metric_values
from valuecrm.sales.actions import LineInput, create_contract
from valuecrm.sales.models import Product

DAY = date(2025, 3, 10)
# sku: (list price, units sold on the signed contract)
SOLD = {"P1": ("500", "10"), "P2": ("5000", "5"), "P3": ("20000", "3"), "P4": ("200000", "1")}


@pytest.fixture
def catalogue(org, settings):
    settings.PRICE_BAND_EDGES = [Decimal("1000"), Decimal("10000"), Decimal("100000")]
    products = {sku: Product.objects.create(name=f"产品 {sku}", sku=sku,
                                            list_price=Decimal(price))
                for sku, (price, _units) in SOLD.items()}
    products["P5"] = Product.objects.create(name="产品 P5", sku="P5", list_price=Decimal("800"))
    customer = Customer.objects.create(name="维度客户", owner=org.rep_a)
    create_contract(actor=org.rep_a, data={
        "number": "HT-1", "customer_id": customer.pk, "status": "active", "signed_date": DAY},
        lines=[LineInput(product_id=products[sku].pk, quantity=Decimal(units))
               for sku, (_price, units) in SOLD.items()])
    # A draft sells nothing: 100 more units of P4 must not make it popular.
    create_contract(actor=org.rep_a, data={"number": "HT-2", "customer_id": customer.pk},
                    lines=[LineInput(product_id=products["P4"].pk, quantity=Decimal("100"))])
    return products


def by(user, dimension, **filters):
    result = metric_values(user=user, key="product_sales_amount", start=date(2025, 1, 1),
                           end=date(2025, 12, 31), by=(dimension,) if dimension else (),
                           filters=filters)
    if not dimension:
        return Decimal(str(result["totals"][0]["value"]))
    return {row["dims"][dimension]["label"]: Decimal(str(row["value"]))
            for row in result["totals"]}


def test_price_bands_follow_the_configured_edges(catalogue, org, settings):
    # 10 x 500, 5 x 5,000, 3 x 20,000, 1 x 200,000
    assert by(org.admin, "product_price_band") == {
        "< 1,000": 5000, "1,000–10,000": 25000, "10,000–100,000": 60000,
        "≥ 100,000": 200000}
    assert by(org.admin, None, product_price_band="1") == 25000
    settings.PRICE_BAND_EDGES = [Decimal("10000")]
    assert by(org.admin, "product_price_band") == {"< 10,000": 30000, "≥ 10,000": 260000}


def test_popularity_tiers_rank_units_sold_on_signed_contracts(catalogue, org):
    # Four selling products ranked P1 (10) > P2 (5) > P3 (3) > P4 (1). The top 20% of 4 is
    # 0.8 of a product: position - 1 < 0.8 gives A to P1 alone; the top 50% is 2 products:
    # position - 1 < 2 gives B to P2; P3 and P4 are C (P5, never sold, is not ranked: C).
    ids = {sku: product.pk for sku, product in catalogue.items()}
    assert popularity_tiers() == {ids["P1"]: "A", ids["P2"]: "B", ids["P3"]: "C",
                                  ids["P4"]: "C"}
    assert by(org.admin, "product_popularity") == {"A": 5000, "B": 25000, "C": 260000}
    assert by(org.admin, None, product_popularity="B") == 25000
    assert by(org.admin, None, product_popularity="C") == 260000


def test_tiers_are_company_wide_but_values_stay_in_scope(catalogue, org):
    assert by(org.rep_a, "product_popularity") == {"A": 5000, "B": 25000, "C": 260000}
    assert by(org.rep_b, "product_popularity") == {}
