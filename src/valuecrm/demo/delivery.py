"""Sales orders for the demo's contracts: stage by stage with realistic durations, the
suppliers' purchase orders, inspections and returns.

Runs after the sales history is written, from its contracts, with its own random stream,
so adding delivery left every earlier row of a build unchanged. The effects it builds in:
procurement (waiting for suppliers) is the bottleneck; modified orders take longer and are
late more often; two suppliers rarely fill in tracking numbers; after go-live every stage
is faster and suppliers deliver on time and fill in tracking numbers more often.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from valuecrm.delivery.models import (
    PROCUREMENT,
    Inspection,
    Order,
    OrderChange,
    OrderReturn,
    OrderStage,
    OrderStageEvent,
    PurchaseOrder,
    Supplier,
    delivery_target_days,
)
from valuecrm.demo import params
from valuecrm.demo.sink import Sink
from valuecrm.demo.timeline import Timeline, lognormal
from valuecrm.sales.models import Contract, ContractLine

RNG_SALT = 6_000_011


class DeliveryGenerator:
    def __init__(self, *, seed: int, timeline: Timeline, sink: Sink):
        self.rng = random.Random(seed * RNG_SALT)
        self.timeline, self.sink = timeline, sink
        self.stages = list(OrderStage.objects.filter(is_active=True))
        self.target = delivery_target_days()
        self.suppliers = [(self.sink.new(Supplier, name=name, code=code), on_time, fill, days)
                          for name, code, on_time, fill, days in params.SUPPLIERS]
        self.order_seq = self.po_seq = 0

    def run(self) -> None:
        lines = (ContractLine.objects.filter(
            contract__type__in=[Contract.Type.NEW, Contract.Type.UPSELL],
            contract__signed_date__isnull=False)
            .select_related("contract", "product").order_by("contract__signed_date", "id"))
        for line in lines.iterator(chunk_size=2000):
            self.order(line)

    def _after(self, when: datetime) -> bool:
        return when >= self.timeline.go_live_at

    def _days(self, median: float, when: datetime, stretch: float = 1.0) -> timedelta:
        speed = params.DELIVERY_SPEED_AFTER if self._after(when) else 1.0
        return timedelta(days=lognormal(self.rng, median * speed * stretch, 0.45))

    def order(self, line: ContractLine) -> None:
        rng, contract = self.rng, line.contract
        placed = self.timeline.working(
            self.timeline.at(contract.signed_date, 10) + timedelta(hours=rng.uniform(0, 30)), rng)
        if placed >= self.timeline.cutoff:
            return
        self.order_seq += 1
        # Built whole before it is handed to the sink: its stage is known only at the end.
        order = Order(
            pk=self.sink.reserve(Order), number=f"SO{placed:%Y%m}-{self.order_seq:06d}",
            contract_id=contract.pk, product_id=line.product_id, quantity=line.quantity,
            spec=line.product.name, stage=self.stages[0], placed_at=placed,
            due_date=placed.date() + timedelta(days=int(self.target)), target_days=self.target,
            created_at=placed)
        changes = rng.choices(range(len(params.MODIFICATION_WEIGHTS)),
                              params.MODIFICATION_WEIGHTS)[0]
        self._changes(order, contract.owner_id, changes, placed)
        path = self._walk(order, placed, 1 + params.MODIFICATION_DELAY * changes)
        failed = self._write_path(order, contract.owner_id, path)
        final, entered, _rework = path[-1]
        order.stage, order.stage_entered_at = final, entered
        order.completed_at = entered if final.is_final else None
        self.sink.add(order)
        if order.completed_at is not None and failed is not None:
            self._return(order, contract.owner_id, failed)

    def _walk(self, order: Order, placed: datetime, stretch: float):
        """[(stage, entered, rework)] up to sign-off or the end of the history."""
        rng, path, at = self.rng, [(self.stages[0], placed, False)], placed
        codes = [s.code for s in self.stages]
        index = 1
        while index < len(self.stages):
            current = path[-1][0]
            if current.code == PROCUREMENT:
                at = self._purchase(order, at, stretch)
            else:
                median = params.ORDER_STAGE_DAYS.get(current.code, 1.0)
                stretch_here = stretch if current.code == "production" else 1.0
                at = self.timeline.working(at + self._days(median, at, stretch_here), rng)
            if at >= self.timeline.cutoff:
                break
            stage = self.stages[index]
            rework = False
            if (current.code == "production" and not any(r for _s, _a, r in path)
                    and rng.random() < params.REWORK_CHANCE):
                stage, rework, index = self.stages[codes.index(PROCUREMENT)], True, index - 2
            path.append((stage, at, rework or any(s is stage for s, _a, _r in path)))
            index += 1
        return path

    def _purchase(self, order: Order, entered: datetime, stretch: float) -> datetime:
        """One or two purchase orders; procurement ends after the last one arrives."""
        rng, after = self.rng, self._after(entered)
        gain = params.SUPPLIER_GAIN_AFTER if after else 0.0
        arrived = entered
        for _ in range(rng.choice([1, 1, 2])):
            supplier, on_time, fill, days = rng.choices(
                self.suppliers, weights=[30, 25, 15, 20, 10])[0]
            ordered = entered.date()
            speed = params.DELIVERY_SPEED_AFTER if after else 1.0
            promised = ordered + timedelta(days=max(1, round(days * stretch * speed)))
            late = rng.random() >= on_time + gain
            delivered = promised + timedelta(days=rng.randint(1, 4) if late else
                                             -rng.randint(0, 1))
            delivered = max(delivered, ordered)
            received = self.timeline.at(delivered, rng.randint(9, 17))
            self.po_seq += 1
            done = received < self.timeline.cutoff
            tracked = done and rng.random() < fill + gain
            self.sink.new(
                PurchaseOrder, number=f"PO{entered:%Y%m}-{self.po_seq:06d}",
                supplier_id=supplier.pk, order_id=order.pk, item=order.spec,
                quantity=order.quantity, ordered_date=ordered, promised_date=promised,
                delivered_date=delivered if done else None,
                logistics_company=rng.choice(params.LOGISTICS) if tracked else "",
                tracking_number=f"{rng.choice('SJZDY')}F{rng.randrange(10**11):011d}"
                if tracked else "", created_at=entered)
            arrived = max(arrived, received)
        extra = self._days(params.PROCUREMENT_EXTRA_DAYS, arrived)
        return self.timeline.working(arrived + extra, rng)

    def _changes(self, order: Order, owner_id: int, count: int, placed: datetime) -> None:
        """`count` changes in the order's first days, applied to it and recorded."""
        rng = self.rng
        for _ in range(count):
            name = rng.choice(["quantity", "quantity", "spec", "due_date"])
            old = getattr(order, name)
            if name == "quantity":
                new = old + rng.randint(1, 5)
            elif name == "spec":
                new = f"{old}（定制）"
            else:
                new = old + timedelta(days=rng.randint(1, 3))
            setattr(order, name, new)
            at = placed + timedelta(days=rng.uniform(0.1, 4))
            if at >= self.timeline.cutoff:
                return
            self.sink.new(OrderChange, order_id=order.pk, field=name, old_value=str(old),
                          new_value=str(new), reason="客户变更", actor_id=owner_id,
                          changed_at=at)

    def _write_path(self, order: Order, owner_id: int, path) -> int | None:
        """The stage events and the inspection; returns the units that failed it (None if
        the order was never inspected)."""
        failed = None
        for n, (stage, entered, rework) in enumerate(path):
            left = path[n + 1][1] if n + 1 < len(path) else None
            self.sink.new(OrderStageEvent, order_id=order.pk, stage=stage,
                          from_stage=path[n - 1][0] if n else None, entered_at=entered,
                          left_at=left, is_rework=rework, actor_id=owner_id)
            if stage.code == "production" and left is not None:
                failed = (failed or 0) + self._inspect(order, owner_id, entered, left)
        return failed

    def _inspect(self, order: Order, owner_id: int, entered, left) -> int:
        share = params.DEFECT_SHARE[self._after(entered)]
        units = int(order.quantity)
        failed = min(units, sum(1 for _ in range(min(units, 200)) if self.rng.random() < share))
        self.sink.new(Inspection, order_id=order.pk, inspected_at=self.timeline.between(
            entered, left, self.rng), passed_quantity=order.quantity - failed,
            failed_quantity=Decimal(failed), inspector_id=owner_id,
            defect_reason=self.rng.choice(params.DEFECT_REASONS) if failed else "")
        return failed

    def _return(self, order: Order, owner_id: int, failed: int) -> None:
        chance = params.RETURN_CHANCE[1 if failed else 0]
        returned = order.completed_at + timedelta(days=self.rng.randint(2, 20))
        if self.rng.random() >= chance or returned >= self.timeline.cutoff:
            return
        quantity = min(order.quantity, Decimal(self.rng.randint(1, max(1, failed))))
        self.sink.new(OrderReturn, order_id=order.pk, returned_at=returned, quantity=quantity,
                      reason=self.rng.choice(params.RETURN_REASONS), actor_id=owner_id)
