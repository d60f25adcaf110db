from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from valuecrm.delivery.actions import create_order, move_order_stage
from valuecrm.delivery.models import OrderStage, Supplier

T0 = timezone.make_aware(datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def stages(db) -> dict[str, OrderStage]:
    return {s.code: s for s in OrderStage.objects.all()}


@pytest.fixture
def suppliers(db) -> dict[str, Supplier]:
    return {code: Supplier.objects.create(name=f"{code} 供应商", code=code)
            for code in ("fast", "slow")}


def place(rep, contract, *, number, at=T0, quantity="10", **extra):
    return create_order(actor=rep, data={
        "number": number, "contract_id": contract.pk, "quantity": Decimal(quantity),
        "placed_at": at, **extra})


def walk(rep, order, stages, days: list[float], *, start=None):
    """Move `order` through the stages after its first, spending days[i] in stage i."""
    at = start or order.placed_at
    codes = list(stages)
    for index, spent in enumerate(days):
        at = at + timedelta(days=spent)
        order = move_order_stage(actor=rep, pk=order.pk, stage_id=stages[codes[index + 1]].pk,
                                 at=at)
    return order
