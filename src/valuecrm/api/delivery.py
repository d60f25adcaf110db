"""API for order delivery: orders and their stage moves, changes, inspections and returns;
suppliers and purchase orders; the delivery reports."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, FilterLookup, FilterSchema, ModelSchema, Query, Router, Schema, Status

from valuecrm.api.crud import Resource, WriteSchema, register, write_schemas
from valuecrm.api.types import Instant
from valuecrm.delivery import actions, queries
from valuecrm.delivery.models import (
    Inspection,
    Order,
    OrderChange,
    OrderReturn,
    OrderStage,
    OrderStageEvent,
    PurchaseOrder,
    Supplier,
)

router = Router(tags=["delivery"])


class OrderStageOut(ModelSchema):
    class Meta:
        model = OrderStage
        fields = ["id", "code", "name", "name_en", "position", "target_days", "is_final",
                  "is_active"]


@router.get("/order-stages", response=list[OrderStageOut], operation_id="list_order_stages",
            summary="Delivery stages in order, with their target days")
def list_order_stages(request):
    return OrderStage.objects.visible_to(request.auth)


ORDER_FIELDS = ["number", "contract", "product", "spec", "quantity", "due_date"]


class OrderOut(ModelSchema):
    lead_time_days: float | None

    class Meta:
        model = Order
        fields = ["id", *ORDER_FIELDS, "stage", "stage_entered_at", "placed_at", "target_days",
                  "completed_at", "late", "created_at", "updated_at", "version"]


class OrderIn(WriteSchema, ModelSchema):
    placed_at: Instant | None = None

    class Meta:
        model = Order
        fields = ORDER_FIELDS
        fields_optional = ["due_date"]


class OrderPatch(WriteSchema, Schema):
    """Only what a customer may change after ordering; each change is recorded."""

    product: int | None = None
    spec: str | None = None
    quantity: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2)
    due_date: date | None = None
    reason: str = Field("", max_length=200)
    version: int | None = None


class OrderFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup("number__icontains")] = None
    contract: Annotated[int | None, FilterLookup("contract_id")] = None
    stage: Annotated[int | None, FilterLookup("stage_id")] = None
    late: bool | None = None
    open: Annotated[bool | None, FilterLookup("completed_at__isnull")] = None


register(router, Resource(
    path="orders", model=Order, out=OrderOut, create_in=OrderIn, update_in=OrderPatch,
    filters=OrderFilter, extra_fields=("placed_at", "reason"), select_related=("stage",),
    ordering=("placed_at", "due_date", "completed_at", "number", "created_at"),
    create=lambda actor, data, extras: actions.create_order(
        actor=actor, data={**data, "placed_at": extras.get("placed_at")}),
    update=lambda actor, pk, changes, extras, version: actions.modify_order(
        actor=actor, pk=pk, changes=changes, reason=extras.get("reason", ""),
        expected_version=version),
))


class MoveIn(Schema):
    stage: int
    at: Instant | None = None
    note: str = Field("", max_length=200)
    version: int | None = None


@router.post("/orders/{int:pk}/move", response=OrderOut, operation_id="move_order_stage",
             summary="Move an order to a stage (back is allowed and counted as rework)")
def move_order(request, pk: int, payload: MoveIn):
    actions.move_order_stage(actor=request.auth, pk=pk, stage_id=payload.stage, at=payload.at,
                             note=payload.note, expected_version=payload.version)
    return Order.objects.get_visible(request.auth, pk)


class StageEventOut(ModelSchema):
    class Meta:
        model = OrderStageEvent
        fields = ["id", "stage", "from_stage", "entered_at", "left_at", "is_rework", "actor",
                  "note"]


@router.get("/orders/{int:pk}/stage-events", response=list[StageEventOut],
            operation_id="list_order_stage_events",
            summary="Every stage an order entered, oldest first")
def list_stage_events(request, pk: int):
    return Order.objects.get_visible(request.auth, pk).stage_events.all()


class ChangeOut(ModelSchema):
    class Meta:
        model = OrderChange
        fields = ["id", "field", "old_value", "new_value", "reason", "changed_at", "actor"]


@router.get("/orders/{int:pk}/changes", response=list[ChangeOut],
            operation_id="list_order_changes", summary="Modifications of an order")
def list_changes(request, pk: int):
    return Order.objects.get_visible(request.auth, pk).changes.all()


class InspectionIn(Schema):
    passed_quantity: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    failed_quantity: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    defect_reason: str = Field("", max_length=200)
    at: Instant | None = None


class InspectionOut(ModelSchema):
    class Meta:
        model = Inspection
        fields = ["id", "order", "inspected_at", "passed_quantity", "failed_quantity",
                  "defect_reason", "inspector"]


@router.post("/orders/{int:pk}/inspections", response={201: InspectionOut},
             operation_id="record_inspection", summary="Record a quality inspection")
def record_inspection(request, pk: int, payload: InspectionIn):
    return Status(201, actions.record_inspection(
        actor=request.auth, order_id=pk, passed_quantity=payload.passed_quantity,
        failed_quantity=payload.failed_quantity, defect_reason=payload.defect_reason,
        at=payload.at))


@router.get("/orders/{int:pk}/inspections", response=list[InspectionOut],
            operation_id="list_inspections", summary="Inspections of an order")
def list_inspections(request, pk: int):
    return Order.objects.get_visible(request.auth, pk).inspections.all()


class ReturnIn(Schema):
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)
    reason: str = Field(..., min_length=1, max_length=200)
    at: Instant | None = None


class ReturnOut(ModelSchema):
    class Meta:
        model = OrderReturn
        fields = ["id", "order", "returned_at", "quantity", "reason", "actor"]


@router.post("/orders/{int:pk}/returns", response={201: ReturnOut},
             operation_id="record_return", summary="Record units returned after delivery")
def record_return(request, pk: int, payload: ReturnIn):
    return Status(201, actions.record_return(
        actor=request.auth, order_id=pk, quantity=payload.quantity, reason=payload.reason,
        at=payload.at))


@router.get("/orders/{int:pk}/returns", response=list[ReturnOut],
            operation_id="list_returns", summary="Returns of an order")
def list_returns(request, pk: int):
    return Order.objects.get_visible(request.auth, pk).returns.all()


SUPPLIER_FIELDS = ["name", "code", "contact_name", "phone", "is_active"]


class SupplierOut(ModelSchema):
    class Meta:
        model = Supplier
        fields = ["id", *SUPPLIER_FIELDS, "created_at", "updated_at"]


SupplierIn, SupplierPatch = write_schemas(Supplier, SUPPLIER_FIELDS)


class SupplierFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["name__icontains", "code__icontains"])] = None
    is_active: bool | None = None


register(router, Resource(
    path="suppliers", model=Supplier, out=SupplierOut, create_in=SupplierIn,
    update_in=SupplierPatch, filters=SupplierFilter, ordering=("name", "code"),
))

PO_FIELDS = ["number", "supplier", "order", "item", "quantity", "ordered_date",
             "promised_date", "logistics_company", "tracking_number"]


class PurchaseOrderOut(ModelSchema):
    class Meta:
        model = PurchaseOrder
        fields = ["id", *PO_FIELDS, "delivered_date", "on_time", "created_at", "updated_at",
                  "version"]


PurchaseOrderIn, PurchaseOrderPatch = write_schemas(
    PurchaseOrder, PO_FIELDS, optional=("ordered_date",))


class PurchaseOrderFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["number__icontains", "item__icontains"])] = None
    supplier: Annotated[int | None, FilterLookup("supplier_id")] = None
    order: Annotated[int | None, FilterLookup("order_id")] = None
    pending: Annotated[bool | None, FilterLookup("delivered_date__isnull")] = None
    on_time: bool | None = None


register(router, Resource(
    path="purchase-orders", model=PurchaseOrder, out=PurchaseOrderOut,
    create_in=PurchaseOrderIn, update_in=PurchaseOrderPatch, filters=PurchaseOrderFilter,
    ordering=("ordered_date", "promised_date", "delivered_date", "number", "created_at"),
    create=lambda actor, data, extras: actions.create_purchase_order(actor=actor, data=data),
))


class ReceiveIn(Schema):
    delivered_date: date
    logistics_company: str = Field("", max_length=100)
    tracking_number: str = Field("", max_length=100)
    version: int | None = None


@router.post("/purchase-orders/{int:pk}/receive", response=PurchaseOrderOut,
             operation_id="receive_purchase_order",
             summary="Record a supplier's delivery (date, logistics, tracking number)")
def receive_purchase_order(request, pk: int, payload: ReceiveIn):
    return actions.receive_purchase_order(
        actor=request.auth, pk=pk, delivered_date=payload.delivered_date,
        logistics_company=payload.logistics_company, tracking_number=payload.tracking_number,
        expected_version=payload.version)


class SpanQuery(Schema):
    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")


@router.get("/delivery/stages", operation_id="delivery_stage_report",
            summary="Time per stage, share of lead time, rework and the bottleneck")
def stage_report(request, span: Query[SpanQuery]):
    return queries.stage_report(request.auth, start=span.start, end=span.end)


@router.get("/delivery/suppliers", operation_id="supplier_scorecard",
            summary="On-time delivery rate and tracking-number fill rate per supplier")
def supplier_scorecard(request, span: Query[SpanQuery]):
    return queries.supplier_scorecard(request.auth, start=span.start, end=span.end)


@router.get("/delivery/quality", operation_id="delivery_quality_trace",
            summary="Inspection pass rate next to return rate, per product or month")
def quality_trace(request, by: Literal["product", "month"] = "product"):
    return queries.quality_trace(request.auth, by=by)


@router.get("/delivery/lateness", operation_id="delivery_lateness_by_changes",
            summary="Late share and lead time of signed-off orders by number of changes")
def lateness(request):
    return queries.lateness_by_changes(request.auth)
