"""Money computed from money stays money: a line's amount `quantity * unit_price *
(100 - discount_percent) / 100` is summed in the database's exact numeric type, not in
floating point (ten lines of 0.10 are 1.00, not 0.9999999999999999)."""

from datetime import date
from decimal import Decimal

from valuecrm.crm.models import Customer
from valuecrm.metrics.fields import compile_field
from valuecrm.metrics.queries import metric_values
from valuecrm.sales.models import Contract, ContractLine


def _lines(org, product, *lines):
    customer = Customer.objects.create(name="零钱客户", owner=org.rep_a)
    contract = Contract.objects.create(number="C-0.10", owner=org.rep_a, customer=customer,
                                       type="new", status="active",
                                       signed_date=date(2025, 2, 3), total_amount=1)
    for quantity, price, discount in lines:
        ContractLine.objects.create(contract=contract, product=product,
                                    quantity=Decimal(quantity), unit_price=Decimal(price),
                                    discount_percent=Decimal(discount))


def _total(org, key):
    [row] = metric_values(user=org.admin, key=key, start=date(2025, 1, 1),
                          end=date(2025, 3, 31))["totals"]
    return row["value"]


def test_ten_lines_of_ten_cents_are_one_yuan(org, product):
    _lines(org, product, *[("1", "0.10", "0")] * 10)
    sales = _total(org, "product_sales_amount")
    assert isinstance(sales, Decimal) and sales == Decimal("1.00")  # float: 0.9999999999999999


def test_a_discount_keeps_its_fraction_of_a_cent(org, product):
    _lines(org, product, ("3", "33.33", "10"))
    assert _total(org, "discount_amount") == Decimal("9.999")  # 3 x 33.33 x 10 / 100
    assert _total(org, "product_sales_amount") == Decimal("89.991")


def test_only_exact_arithmetic_is_kept_in_decimal():
    assert compile_field("quantity * unit_price / 100", ContractLine).output_field \
        .get_internal_type() == "DecimalField"
    # Division by a field could divide by zero and leaves exact arithmetic: floating point.
    assert compile_field("unit_price / quantity", ContractLine).output_field \
        .get_internal_type() == "FloatField"
