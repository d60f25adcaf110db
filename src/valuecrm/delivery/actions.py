"""Actions on sales orders and purchase orders: stage moves with their event log, recorded
modifications, inspections, returns, and receiving what suppliers deliver."""

import math
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import Conflict, ValidationError
from valuecrm.core.records import create_record, lock_for_write, update_record
from valuecrm.delivery.models import (
    PRODUCTION,
    SHIPPED,
    Inspection,
    Order,
    OrderChange,
    OrderReturn,
    OrderStage,
    OrderStageEvent,
    PurchaseOrder,
    delivery_target_days,
)
from valuecrm.usage.actions import track
from valuecrm.webhooks.actions import emit

MODIFIABLE = {"quantity": "quantity", "spec": "spec", "due_date": "due_date",
              "product_id": "product"}


def _active_stage(pk) -> OrderStage:
    try:
        return OrderStage.objects.get(pk=pk, is_active=True)
    except (OrderStage.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"stage": [_("No such stage.")]}) from None


def _moment(at: datetime | None, field: str = "at") -> datetime:
    """`at` (default now), refused if it lies in the future: events record what happened."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise ValidationError({field: [_("Give the time with its time zone.")]})
    if at > now + timedelta(minutes=5):
        raise ValidationError({field: [_("This time is in the future.")]})
    return at


def _order_payload(order: Order) -> dict:
    return {"id": order.pk, "number": order.number, "contract": order.contract_id,
            "stage": order.stage_id, "stage_code": order.stage.code,
            "quantity": order.quantity, "due_date": order.due_date,
            "completed_at": order.completed_at}


@transaction.atomic
def create_order(*, actor, data: dict) -> Order:
    """A sales order for a contract, entering the first stage when it is placed; the due
    date defaults to the placement day plus the delivery target."""
    data = dict(data)
    first = OrderStage.objects.filter(is_active=True).first()
    if first is None:
        raise Conflict(_("Set up the order stages first."), code="no_stages")
    placed_at = _moment(data.pop("placed_at", None), "placed_at")
    target = delivery_target_days()
    if data.get("due_date") is None:
        data["due_date"] = timezone.localdate(placed_at) + timedelta(days=math.ceil(target))
    order = create_record(actor=actor, model=Order, data={
        **data, "placed_at": placed_at, "stage_id": first.pk, "stage_entered_at": placed_at,
        "target_days": target,
    })
    OrderStageEvent.objects.create(order=order, stage=first, entered_at=placed_at, actor=actor)
    emit("order.created", _order_payload(order))
    track(actor, "delivery", "create_order")
    return order


@transaction.atomic
def move_order_stage(*, actor, pk, stage_id, at: datetime | None = None, note: str = "",
                     expected_version: int | None = None) -> Order:
    """Enter `stage`. Going back, or entering a stage the order was in before, is rework;
    the final stage completes the order, leaving it reopens it."""
    order = lock_for_write(actor, Order, pk)
    stage = _active_stage(stage_id)
    if stage.pk == order.stage_id:
        raise Conflict(_("The order is already in this stage."), code="same_stage")
    at = _moment(at)
    if at < order.stage_entered_at:
        raise ValidationError({"at": [_("The order entered its current stage later than this.")]})
    rework = (stage.position < order.stage.position
              or order.stage_events.filter(stage=stage).exists())
    order.stage_events.filter(left_at__isnull=True).update(left_at=at)
    OrderStageEvent.objects.create(order=order, stage=stage, from_stage=order.stage,
                                   entered_at=at, is_rework=rework, actor=actor, note=note)
    previous = order.stage_id
    order = update_record(actor=actor, model=Order, pk=pk, expected_version=expected_version,
                          changes={"stage_id": stage.pk, "stage_entered_at": at,
                                   "completed_at": at if stage.is_final else None},
                          reason=note)
    payload = {**_order_payload(order), "from_stage": previous, "rework": rework}
    emit("order.stage_changed", payload)
    if stage.is_final:
        emit("order.completed", payload)
    return order


@transaction.atomic
def modify_order(*, actor, pk, changes: dict, reason: str = "",
                 expected_version: int | None = None) -> Order:
    """Change quantity, spec, product or due date; every changed field is recorded with
    its old and new value, so changes can be related to delays."""
    unknown = set(changes) - set(MODIFIABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be modified here.")]
                               for name in sorted(unknown)})
    before = lock_for_write(actor, Order, pk)
    if before.completed_at is not None:
        raise Conflict(_("The order is signed off; it cannot change any more."),
                       code="order_completed")
    changed = {k: v for k, v in changes.items() if getattr(before, k) != v}
    order = update_record(actor=actor, model=Order, pk=pk, changes=changed,
                          expected_version=expected_version, reason=reason)
    now = timezone.now()
    OrderChange.objects.bulk_create([
        OrderChange(order=order, field=MODIFIABLE[name], old_value=_text(getattr(before, name)),
                    new_value=_text(getattr(order, name)), reason=reason, changed_at=now,
                    actor=actor)
        for name in changed
    ])
    return order


def _text(value) -> str:
    return "" if value is None else str(value)


def _reached(order: Order, code: str) -> bool:
    """Has the order got to the stage `code` (by position)? True if no such stage exists."""
    stage = OrderStage.objects.filter(code=code).first()
    return stage is None or order.stage.position >= stage.position


@transaction.atomic
def record_inspection(*, actor, order_id, passed_quantity: Decimal,
                      failed_quantity: Decimal = Decimal(0), defect_reason: str = "",
                      at: datetime | None = None) -> Inspection:
    order = lock_for_write(actor, Order, order_id)
    if not _reached(order, PRODUCTION):
        raise Conflict(_("Inspect an order once it is in production."), code="not_in_production")
    return create_record(actor=actor, model=Inspection, data={
        "order_id": order.pk, "passed_quantity": passed_quantity,
        "failed_quantity": failed_quantity, "defect_reason": defect_reason,
        "inspected_at": _moment(at), "inspector_id": actor.pk,
    })


@transaction.atomic
def record_return(*, actor, order_id, quantity: Decimal, reason: str,
                  at: datetime | None = None) -> OrderReturn:
    order = lock_for_write(actor, Order, order_id)
    if not _reached(order, SHIPPED):
        raise Conflict(_("Only shipped orders can be returned."), code="not_shipped")
    returned = order.returns.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    if returned + Decimal(quantity) > order.quantity:
        raise ValidationError({"quantity": [
            _("More than was delivered: %(returned)s of %(quantity)s already returned.")
            % {"returned": returned, "quantity": order.quantity}]})
    return create_record(actor=actor, model=OrderReturn, data={
        "order_id": order.pk, "quantity": quantity, "reason": reason,
        "returned_at": _moment(at), "actor_id": actor.pk,
    })


@transaction.atomic
def create_purchase_order(*, actor, data: dict) -> PurchaseOrder:
    data = dict(data)
    if "delivered_date" in data and data["delivered_date"] is not None:
        raise ValidationError({"delivered_date": [_("Record the delivery when it arrives.")]})
    return create_record(actor=actor, model=PurchaseOrder, data=data)


@transaction.atomic
def receive_purchase_order(*, actor, pk, delivered_date, logistics_company: str = "",
                           tracking_number: str = "",
                           expected_version: int | None = None) -> PurchaseOrder:
    """The supplier's delivery arrived: its date decides on-time; the logistics company
    and tracking number are what the fill-rate monitor checks."""
    before = lock_for_write(actor, PurchaseOrder, pk)
    if before.delivered_date is not None:
        raise Conflict(_("This purchase order was already received."), code="already_received")
    if delivered_date > timezone.localdate():
        raise ValidationError({"delivered_date": [_("This date is in the future.")]})
    changes = {"delivered_date": delivered_date}
    if logistics_company:
        changes["logistics_company"] = logistics_company
    if tracking_number:
        changes["tracking_number"] = tracking_number
    return update_record(actor=actor, model=PurchaseOrder, pk=pk, changes=changes,
                         expected_version=expected_version)
