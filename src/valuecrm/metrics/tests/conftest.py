"""A small book of business in Q1 2025 whose metric values are worked out by hand in the
tests (see the comments there). Rows are created directly so their dates are exact."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from valuecrm.crm.models import Activity, Customer, Lead
from valuecrm.sales.models import (
    Contract,
    ContractLine,
    Opportunity,
    Payment,
    PaymentPlan,
    Stage,
)

START, END = date(2025, 1, 1), date(2025, 3, 31)


def at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day) + timedelta(hours=hour))


@dataclass
class Book:
    contracts: dict
    leads: dict
    opportunities: dict
    customers: dict


def _contract(number, owner, customer, kind, signed, amount, product, status="active"):
    contract = Contract.objects.create(
        number=number, owner=owner, customer=customer, type=kind, status=status,
        signed_date=date.fromisoformat(signed), total_amount=Decimal(amount),
    )
    ContractLine.objects.create(contract=contract, product=product, quantity=Decimal(1),
                                unit_price=Decimal(amount))
    return contract


@pytest.fixture
def book(org, channel, product) -> Book:
    won, lost, open_ = (Stage.objects.filter(outcome=o).first() for o in ("won", "lost", "open"))
    customers = {}
    for index, (rep, extra) in enumerate([
        (org.rep_a, {"phone": "13800000001", "industry": "制造业", "size_tier": "large"}),
        (org.rep_a2, {"email": "k2@example.com"}),
        (org.rep_b, {"phone": "13800000003", "email": "k3@example.com"}),
        (org.rep_c, {}),
    ], start=1):
        customers[index] = Customer.objects.create(
            name=f"客户{index}", owner=rep, channel=channel if index < 3 else None,
            region="上海" if index < 3 else "成都", created_at=at(f"2025-01-0{index}"), **extra)
    k1, k2, k3, k4 = customers.values()
    contracts = {
        "c1": _contract("C1", org.rep_a, k1, "new", "2025-01-10", "100000", product),
        "c2": _contract("C2", org.rep_a2, k2, "renewal", "2025-01-20", "50000", product),
        "c3": _contract("C3", org.rep_b, k3, "new", "2025-02-05", "30000", product),
        "c4": _contract("C4", org.rep_c, k4, "upsell", "2025-03-15", "20000", product),
        "draft": _contract("C5", org.rep_a, k1, "new", "2025-02-01", "999", product,
                           status="draft"),
        "deleted": _contract("C6", org.rep_c, k4, "new", "2025-02-28", "80000", product),
    }
    Contract.all_objects.filter(pk=contracts["deleted"].pk).update(deleted_at=timezone.now())
    o1 = Opportunity.objects.create(name="O1", customer=k1, owner=org.rep_a, stage=won,
                                    amount=Decimal(100000), created_at=at("2025-01-10"),
                                    closed_at=at("2025-02-01"))
    o2 = Opportunity.objects.create(name="O2", customer=k3, owner=org.rep_b, stage=lost,
                                    amount=Decimal(40000), lost_reason="价格",
                                    created_at=at("2025-03-20"), closed_at=at("2025-03-25"))
    o3 = Opportunity.objects.create(name="O3", customer=k4, owner=org.rep_c, stage=open_,
                                    amount=Decimal(20000), created_at=at("2025-02-10"))
    leads = {
        "l1": Lead.objects.create(
            name="L1", owner=org.rep_a, channel=channel, phone="13900000001",
            created_at=at("2025-01-05"), assigned_at=at("2025-01-05"),
            first_contact_at=at("2025-01-05", 12), status="converted",
            converted_at=at("2025-01-10"), converted_opportunity=o1),
        "l2": Lead.objects.create(
            name="L2", owner=org.rep_a, email="l2@example.com", created_at=at("2025-01-06"),
            assigned_at=at("2025-01-06"), first_contact_at=at("2025-01-06", 14)),
        "l3": Lead.objects.create(
            name="L3", owner=org.rep_b, industry="零售", created_at=at("2025-02-01"),
            assigned_at=at("2025-02-01"), first_contact_at=at("2025-02-01", 20),
            status="converted", converted_at=at("2025-03-20"), converted_opportunity=o2),
        "l4": Lead.objects.create(
            name="L4", owner=org.rep_c, created_at=at("2025-03-01"),
            assigned_at=at("2025-03-01")),
    }
    for owner, kind, day, seconds, customer in [
        (org.rep_a, "call", "2025-01-05", 180, k1), (org.rep_a, "call", "2025-01-06", 120, k1),
        (org.rep_a, "visit", "2025-02-03", None, k1), (org.rep_a2, "call", "2025-01-07", 300, k2),
        (org.rep_b, "call", "2025-02-10", 60, k3), (org.rep_c, "visit", "2025-03-03", None, k4),
    ]:
        Activity.objects.create(owner=owner, kind=kind, started_at=at(day),
                                duration_seconds=seconds, customer=customer)
    p1 = PaymentPlan.objects.create(contract=contracts["c1"], due_date=date(2025, 1, 31),
                                    amount=Decimal(60000))
    p2 = PaymentPlan.objects.create(contract=contracts["c2"], due_date=date(2025, 2, 28),
                                    amount=Decimal(50000))
    PaymentPlan.objects.create(contract=contracts["c3"], due_date=date(2025, 3, 31),
                               amount=Decimal(30000))
    Payment.objects.create(contract=contracts["c1"], plan=p1, received_date=date(2025, 1, 25),
                           amount=Decimal(40000))
    Payment.objects.create(contract=contracts["c2"], plan=p2, received_date=date(2025, 3, 5),
                           amount=Decimal(50000))
    return Book(contracts, leads, {"o1": o1, "o2": o2, "o3": o3}, customers)

