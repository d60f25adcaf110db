"""Opportunities moving through the stages, the contracts they win, and the money that
follows: line items, payment plans and payments (some late, some never)."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from valuecrm.demo import params
from valuecrm.demo.reference import World
from valuecrm.demo.sink import Sink
from valuecrm.demo.timeline import Timeline, lognormal
from valuecrm.org.models import User
from valuecrm.sales.models import (
    CENT,
    ZERO,
    Contract,
    ContractLine,
    Opportunity,
    OpportunityStageChange,
    Payment,
    PaymentPlan,
    Stage,
)

YEAR = timedelta(days=365)


@dataclass
class Deal:
    """What the rest of a customer's story needs to know about an opportunity."""

    pk: int
    won_at: datetime | None
    closed_at: datetime | None
    lines: list[ContractLine]


@dataclass
class Account:
    """A customer as the deal generator sees it."""

    pk: int
    name: str
    tier: str
    seats: int
    owner: User


class DealsMixin:
    rng: random.Random
    sink: Sink
    world: World
    timeline: Timeline
    contract_seq: int
    activity: "Callable[..., None]"  # the story generator's, which knows what gets logged

    # -- opportunities ---------------------------------------------------------------------

    def opportunity(self, account: Account, kind: str, start: datetime) -> Deal:
        """An opportunity run through the stages from `start` until it is won, lost, or the
        history ends while it is still open."""
        stages, pk = self.world.open_stages, self.sink.reserve(Opportunity)
        lines = self.quote(account, kind)
        index = 0 if kind == Contract.Type.NEW else min(
            1 if kind == Contract.Type.UPSELL else 2, len(stages) - 1
        )
        entered, stage, closed = start, stages[index], None
        # Some deals stall: they sit in their stages for months, the open pipeline's tail.
        pace = params.STALL_FACTOR if self.rng.random() < params.STALL_CHANCE else 1
        self.sink.new(OpportunityStageChange, opportunity_id=pk, to_stage=stage,
                      changed_at=entered, actor=account.owner)
        while closed is None:
            leave, moved_to = self._stage_exit(account, kind, pk, index, entered, pace)
            if leave is None:
                break
            self.sink.new(OpportunityStageChange, opportunity_id=pk, from_stage=stage,
                          to_stage=moved_to, changed_at=leave, actor=account.owner)
            entered, stage = leave, moved_to
            if moved_to.outcome != Stage.Outcome.OPEN:
                closed = leave
            index += 1
        won = closed if stage.outcome == Stage.Outcome.WON else None
        typical = sum(params.STAGE_DAYS)
        self.sink.new(
            Opportunity, id=pk, customer_id=account.pk, owner=account.owner, stage=stage,
            name=f"{account.name} {self._deal_label(kind, lines)}", created_at=start,
            stage_entered_at=entered, amount=sum((x.line_total for x in lines), ZERO),
            expected_close_date=(closed or start + timedelta(days=typical)).date(),
            closed_at=closed, lost_reason=(
                self.rng.choice(params.LOST_REASONS) if stage.outcome == Stage.Outcome.LOST
                else ""
            ),
        )
        return Deal(pk, won, closed, lines)

    def _stage_exit(self, account, kind, pk, index, entered, pace):
        """When the deal leaves stage `index` and to which stage; (None, None) if it is
        still there when the history ends."""
        stages, rng = self.world.open_stages, self.rng
        era = self.timeline.era(entered)
        median = params.STAGE_DAYS[min(index, len(params.STAGE_DAYS) - 1)] * era.stage_speed
        median *= pace
        if kind != Contract.Type.NEW:
            median *= 0.6  # existing customers decide faster
        leave = self.timeline.working(
            entered + timedelta(days=lognormal(rng, median, 0.6)), rng
        )
        if leave >= self.timeline.cutoff:
            return None, None
        for _ in range(rng.randint(2, 3 + index)):
            kind_ = rng.choice(["call", "call", "visit", "meeting", "email"])
            self.activity(kind_, self.timeline.between(entered, leave, rng), account.owner,
                          opportunity_id=pk, customer_id=account.pk)
        if kind == Contract.Type.RENEWAL:
            advance = self.timeline.era(entered).renewal_rate ** (1 / (len(stages) - index))
        else:
            advance = params.STAGE_ADVANCE[min(index, len(params.STAGE_ADVANCE) - 1)]
            advance += era.advance_bonus
        if rng.random() >= advance:
            return leave, self.world.lost_stage
        last = index == len(stages) - 1
        return leave, self.world.won_stage if last else stages[index + 1]

    def _deal_label(self, kind: str, lines: list[ContractLine]) -> str:
        return f"{lines[0].product.name.split('（')[0]} {params.TYPE_LABELS[kind]}"

    # -- quotes and contracts --------------------------------------------------------------

    def quote(self, account: Account, kind: str) -> list[ContractLine]:
        """Line items for a deal, priced from the product list with the tier's discounts."""
        rng, tier, seats = self.rng, account.tier, account.seats
        edition = params.EDITION_BY_TIER[tier]
        if kind == Contract.Type.RENEWAL:
            items = [(edition, seats)]
            if tier in ("large", "enterprise"):
                items.append(("SVC-MAINT", 1))
        elif kind == Contract.Type.UPSELL:
            items = [rng.choice([(edition, max(2, seats // rng.randint(4, 10))),
                                 ("ADD-BI", seats), ("ADD-CALL", rng.randint(5, 40)),
                                 ("ADD-MKT", 1)])]
            if rng.random() < 0.3:
                items.append(("SVC-TRAIN", 1))
        else:
            items = [(edition, seats), ("SVC-IMPL", max(3, min(60, seats // 4)))]
            if tier in ("large", "enterprise") and rng.random() < 0.5:
                items.append(("SVC-MIGR", 1))
            if tier != "small" and rng.random() < 0.5:
                items.append(("SVC-TRAIN", rng.randint(1, 4)))
            if rng.random() < 0.2:
                items.append(("HW-PDA", rng.randint(2, max(3, seats // 5))))
            if tier == "enterprise" and rng.random() < 0.4:
                items.append(("HW-SRV", rng.randint(1, 3)))
        discount = Decimal(rng.choice(params.DISCOUNTS_BY_TIER[tier]))
        lines = []
        for sku, quantity in items:
            product = self.world.products[sku]
            lines.append(ContractLine(product=product, quantity=Decimal(quantity),
                                      unit_price=product.list_price, discount_percent=discount))
        return lines

    def contract(self, account: Account, deal: Deal | None, kind: str, signed: datetime,
                 lines: list[ContractLine], start: date | None = None) -> Contract:
        """A signed (or, if very recent, still pending) contract with its payment plans."""
        rng, anchor = self.rng, self.timeline.anchor
        self.contract_seq += 1
        start = start or signed.date() + timedelta(days=rng.randint(0, 14))
        end = start + YEAR - timedelta(days=1)
        pending = signed >= self.timeline.cutoff - timedelta(days=4) and rng.random() < 0.5
        total = sum((line.line_total for line in lines), ZERO)
        contract = self.sink.new(
            Contract, customer_id=account.pk, opportunity_id=deal.pk if deal else None,
            owner=account.owner, type=kind, number=f"HT{signed:%Y%m}-{self.contract_seq:06d}",
            title=f"{account.name} {params.TYPE_LABELS[kind]}合同",
            status=(Contract.Status.PENDING_APPROVAL if pending
                    else Contract.Status.ACTIVE if end >= anchor else Contract.Status.EXPIRED),
            signed_date=None if pending else signed.date(), start_date=start, end_date=end,
            total_amount=total, created_at=signed,
        )
        for line in lines:
            self.sink.add(ContractLine(contract_id=contract.pk, product=line.product,
                                       quantity=line.quantity, unit_price=line.unit_price,
                                       discount_percent=line.discount_percent))
        if not pending:
            self.payment_plans(contract, total, start)
        self.approvals.for_contract(contract, lines, signed)
        return contract

    def payment_plans(self, contract: Contract, total: Decimal, start: date) -> None:
        if total < 50_000:
            split = [(Decimal(1), 15)]
        elif total < 300_000:
            split = [(Decimal("0.5"), 10), (Decimal("0.5"), 120)]
        else:
            split = [(Decimal("0.3"), 10), (Decimal("0.4"), 120), (Decimal("0.3"), 240)]
        amounts = [(total * share).quantize(CENT) for share, _days in split[:-1]]
        amounts.append(total - sum(amounts, ZERO))
        for number, ((_share, days), amount) in enumerate(zip(split, amounts, strict=True), 1):
            due = start + timedelta(days=days)
            plan = self.sink.new(
                PaymentPlan, contract_id=contract.pk, due_date=due, amount=amount,
                note=f"第{number}期", created_at=contract.created_at,
            )
            self.payments(contract, plan)

    def payments(self, contract: Contract, plan: PaymentPlan) -> None:
        """Money arrives around the due date, later before go-live; a few plans never get
        paid. Whatever would arrive after the history ends is still owed (and overdue if
        its due date has passed)."""
        rng = self.rng
        if rng.random() < params.BAD_DEBT_SHARE:
            return
        era = self.timeline.era(self.timeline.at(plan.due_date, 12))
        delay = lognormal(rng, era.payment_delay_days + 3, 1.0) - 3
        received = plan.due_date + timedelta(days=round(delay))
        parts = [plan.amount]
        if rng.random() < 0.12:
            first = (plan.amount / 2).quantize(CENT)
            parts = [first, plan.amount - first]
        for part in parts:
            if received >= self.timeline.anchor:
                return
            self.sink.new(
                Payment, contract_id=contract.pk, plan_id=plan.pk, received_date=received,
                amount=part, reference=f"TX{received:%Y%m%d}{rng.randrange(10_000):04d}",
                created_at=self.timeline.at(received, 16),
            )
            received += timedelta(days=rng.randint(15, 60))
