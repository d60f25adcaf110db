"""Actions on opportunities and contracts: the rules that span more than one row."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.approvals.actions import (
    check_contract_status,
    flow_for,
    submit_for_approval,
    terms,
)
from valuecrm.approvals.models import Subject
from valuecrm.core.errors import ValidationError
from valuecrm.core.records import create_record, lock_for_write, update_record
from valuecrm.sales.models import (
    ZERO,
    Contract,
    ContractLine,
    Opportunity,
    OpportunityStageChange,
    Payment,
    Product,
    Refund,
    Stage,
)
from valuecrm.webhooks.actions import emit


def _record_stage_entry(*, actor, opportunity: Opportunity, from_stage: Stage | None, when) -> None:
    OpportunityStageChange.objects.create(
        opportunity=opportunity, from_stage=from_stage, to_stage=opportunity.stage,
        changed_at=when, actor=actor,
    )


@transaction.atomic
def create_opportunity(*, actor, data: dict) -> Opportunity:
    data = dict(data)
    if "stage_id" not in data or data["stage_id"] is None:
        data["stage_id"] = Stage.objects.filter(is_active=True).values_list("pk", flat=True).first()
    now = timezone.now()
    data.setdefault("stage_entered_at", now)
    opportunity = create_record(actor=actor, model=Opportunity, data=data)
    _record_stage_entry(actor=actor, opportunity=opportunity, from_stage=None,
                        when=opportunity.stage_entered_at)
    emit("opportunity.created", _deal_payload(opportunity))
    return opportunity


def _deal_payload(opportunity: Opportunity) -> dict:
    return {"id": opportunity.pk, "name": opportunity.name,
            "customer": opportunity.customer_id, "stage": opportunity.stage_id,
            "amount": opportunity.amount, "currency": opportunity.currency,
            "owner": opportunity.owner_id}


@transaction.atomic
def update_opportunity(
    *, actor, pk, changes: dict, expected_version: int | None = None
) -> Opportunity:
    """Update fields; a stage change is stored in the stage history with its time and actor."""
    before = lock_for_write(actor, Opportunity, pk)
    new_stage_id = changes.get("stage_id", before.stage_id)
    moving = new_stage_id != before.stage_id
    if moving:
        try:
            stage = Stage.objects.get(pk=new_stage_id, is_active=True)
        except (Stage.DoesNotExist, ValueError, TypeError):
            raise ValidationError({"stage": [_("No such stage.")]}) from None
        now = timezone.now()
        changes = {**changes, "stage_entered_at": now}
        changes["closed_at"] = None if stage.outcome == Stage.Outcome.OPEN else now
    opportunity = update_record(
        actor=actor, model=Opportunity, pk=pk, changes=changes, expected_version=expected_version
    )
    if moving:
        _record_stage_entry(actor=actor, opportunity=opportunity, from_stage=before.stage,
                            when=opportunity.stage_entered_at)
        payload = {**_deal_payload(opportunity), "from_stage": before.stage_id}
        emit("opportunity.stage_changed", payload)
        if opportunity.stage.outcome != Stage.Outcome.OPEN:
            emit(f"opportunity.{opportunity.stage.outcome}", payload)
    return opportunity


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None
    discount_percent: Decimal = Decimal("0")


def _build_lines(lines: list[LineInput]) -> tuple[list[ContractLine], Decimal]:
    """Validated, unsaved line rows and their total; field errors named `lines.N.field`."""
    errors = {}
    products = Product.objects.in_bulk([line.product_id for line in lines])
    built = []
    for index, line in enumerate(lines):
        product = products.get(line.product_id)
        if product is None:
            errors[f"lines.{index}.product_id"] = [_("No such product.")]
            continue
        row = ContractLine(
            product=product, quantity=line.quantity,
            unit_price=product.list_price if line.unit_price is None else line.unit_price,
            discount_percent=line.discount_percent,
        )
        try:
            row.full_clean(exclude=["contract"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"lines.{index}.{field}"] = messages
        built.append(row)
    if errors:
        raise ValidationError(errors)
    return built, sum((row.line_total for row in built), ZERO)


def _save_lines(actor, contract: Contract, rows: list[ContractLine]) -> None:
    # Row by row (contracts have a handful of lines) so each line's history names the actor.
    for old in contract.lines.all():
        old._history_user = actor
        old.delete()
    for row in rows:
        row.contract = contract
        row._history_user = actor
        row.save()


# A status change may need or start an approval (approvals app); checked after the lines are
# saved, inside the same transaction, so a refused activation leaves nothing half-written.
@transaction.atomic
def create_contract(*, actor, data: dict, lines: list[LineInput]) -> Contract:
    """A contract with its line items; the total is computed from the lines, never typed."""
    rows, total = _build_lines(lines)
    contract = create_record(actor=actor, model=Contract, data={**data, "total_amount": total})
    _save_lines(actor, contract, rows)
    check_contract_status(actor=actor, contract=contract, previous_status=None)
    emit("contract.created", {"id": contract.pk, "number": contract.number,
                              "customer": contract.customer_id, "type": contract.type,
                              "total_amount": contract.total_amount,
                              "currency": contract.currency, "owner": contract.owner_id})
    return contract


@transaction.atomic
def update_contract(
    *, actor, pk, changes: dict, lines: list[LineInput] | None = None,
    expected_version: int | None = None,
) -> Contract:
    changes = dict(changes)
    changes.pop("total_amount", None)
    rows = None
    if lines is not None:
        rows, changes["total_amount"] = _build_lines(lines)
    before = lock_for_write(actor, Contract, pk)
    previous_status, previous_terms = before.status, terms(before)
    contract = update_record(
        actor=actor, model=Contract, pk=pk, changes=changes, expected_version=expected_version
    )
    if rows is not None:
        _save_lines(actor, contract, rows)
    check_contract_status(actor=actor, contract=contract, previous_status=previous_status,
                          previous_terms=previous_terms)
    contract.refresh_from_db()
    return contract


@transaction.atomic
def request_refund(*, actor, payment_id, amount: Decimal, reason: str) -> Refund:
    """Pay back part or all of a payment. Where a refund approval flow applies, the refund
    waits for it; otherwise it is refunded at once. Either way, only a refunded refund
    lowers what the payment counts as collected."""
    payment = lock_for_write(actor, Payment, payment_id)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the money is paid back.")]})
    held = payment.refunds.exclude(status=Refund.Status.REJECTED).aggregate(
        s=Sum("amount"))["s"] or ZERO
    if amount > payment.amount - held:
        raise ValidationError({"amount": [
            _("At most %(left)s of this payment can still be refunded.")
            % {"left": payment.amount - held}]})
    refund = create_record(actor=actor, model=Refund, data={
        "contract_id": payment.contract_id, "payment_id": payment.pk, "amount": amount,
        "currency": payment.currency, "reason": reason.strip(), "requested_by_id": actor.pk})
    if flow_for(subject=Subject.REFUND, amount=amount, discount_percent=ZERO) is None:
        return settle_refund(refund_id=refund.pk, refunded=True, on=timezone.localdate(),
                             reason=_("no approval needed"))
    submit_for_approval(actor=actor, contract_id=payment.contract_id, subject=Subject.REFUND,
                        amount=amount, reason=reason.strip(), refund=refund)
    return refund


def settle_refund(*, refund_id, refunded: bool, on, reason: str) -> Refund:
    """The decision on a refund (by its approval flow, or none needed): refunded on `on`,
    and the payment's refunded amount recomputed; or rejected. Written by the system user,
    the decision named in the history's reason."""
    from valuecrm.org.actions import system_user

    system = system_user()
    refund = update_record(actor=system, model=Refund, pk=refund_id, reason=reason, changes={
        "status": Refund.Status.REFUNDED if refunded else Refund.Status.REJECTED,
        "refunded_date": on if refunded else None})
    total = Refund.objects.filter(payment_id=refund.payment_id,
                                  status=Refund.Status.REFUNDED).aggregate(
        s=Sum("amount"))["s"] or ZERO
    update_record(actor=system, model=Payment, pk=refund.payment_id, reason=reason,
                  changes={"refunded_amount": total})
    return refund
