"""API resources for stages, products, opportunities, contracts, payments and refunds."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, ModelSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from valuecrm.api.crud import Resource, register, write_schemas
from valuecrm.api.pagination import LimitOffset
from valuecrm.sales import actions
from valuecrm.sales.models import (
    Contract,
    ContractLine,
    Opportunity,
    OpportunityStageChange,
    Payment,
    PaymentPlan,
    Product,
    Refund,
    Stage,
)

router = Router(tags=["sales"])


class StageOut(ModelSchema):
    class Meta:
        model = Stage
        fields = ["id", "name", "name_en", "position", "probability", "outcome", "is_active"]


@router.get("/stages", response=list[StageOut], operation_id="list_stages",
            summary="Opportunity stages in pipeline order")
def list_stages(request):
    return Stage.objects.visible_to(request.auth)


PRODUCT_FIELDS = ["name", "sku", "category", "list_price", "currency", "is_active"]


class ProductOut(ModelSchema):
    class Meta:
        model = Product
        fields = ["id", *PRODUCT_FIELDS, "created_at", "updated_at"]


ProductIn, ProductPatch = write_schemas(Product, PRODUCT_FIELDS)


class ProductFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["name__icontains", "sku__icontains"])] = None
    category: str | None = None
    is_active: bool | None = None


register(router, Resource(
    path="products", model=Product, out=ProductOut, create_in=ProductIn,
    update_in=ProductPatch, filters=ProductFilter, ordering=("name", "category", "list_price"),
))

OPPORTUNITY_FIELDS = ["name", "customer", "stage", "probability", "amount", "currency",
                      "expected_close_date", "lost_reason", "owner"]


class OpportunityOut(ModelSchema):
    outcome: str
    effective_probability: int

    class Meta:
        model = Opportunity
        fields = ["id", *OPPORTUNITY_FIELDS, "stage_entered_at", "closed_at", "created_at",
                  "updated_at", "version"]


OpportunityIn, OpportunityPatch = write_schemas(
    Opportunity, OPPORTUNITY_FIELDS, optional=("stage", "owner"))


class OpportunityFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup("name__icontains")] = None
    customer: Annotated[int | None, FilterLookup("customer_id")] = None
    stage: Annotated[int | None, FilterLookup("stage_id")] = None
    outcome: Annotated[Stage.Outcome | None, FilterLookup("stage__outcome")] = None
    owner: Annotated[int | None, FilterLookup("owner_id")] = None
    close_after: Annotated[date | None, FilterLookup("expected_close_date__gte")] = None
    close_before: Annotated[date | None, FilterLookup("expected_close_date__lt")] = None


register(router, Resource(
    path="opportunities", model=Opportunity, out=OpportunityOut, create_in=OpportunityIn,
    update_in=OpportunityPatch, filters=OpportunityFilter, select_related=("stage",),
    ordering=("created_at", "amount", "expected_close_date", "stage_entered_at", "name"),
    create=lambda actor, data, extras: actions.create_opportunity(actor=actor, data=data),
    update=lambda actor, pk, changes, extras, version: actions.update_opportunity(
        actor=actor, pk=pk, changes=changes, expected_version=version),
))


class StageChangeOut(ModelSchema):
    class Meta:
        model = OpportunityStageChange
        fields = ["id", "from_stage", "to_stage", "changed_at", "actor"]


@router.get("/opportunities/{int:pk}/stage-changes", response=list[StageChangeOut],
            operation_id="list_opportunity_stage_changes",
            summary="Every stage an opportunity entered, oldest first")
def list_stage_changes(request, pk: int):
    opportunity = Opportunity.objects.get_visible(request.auth, pk)
    return opportunity.stage_changes.all()


class LineIn(Schema):
    product: int
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)
    unit_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    discount_percent: Decimal = Field(Decimal("0"), ge=0, le=100, decimal_places=2)


class LineOut(ModelSchema):
    line_total: Decimal

    class Meta:
        model = ContractLine
        fields = ["id", "product", "quantity", "unit_price", "discount_percent"]


CONTRACT_FIELDS = ["number", "title", "customer", "opportunity", "type", "status",
                   "signed_date", "start_date", "end_date", "currency", "owner"]


class ContractOut(ModelSchema):
    lines: list[LineOut]

    class Meta:
        model = Contract
        fields = ["id", *CONTRACT_FIELDS, "total_amount", "created_at", "updated_at", "version"]


ContractIn, ContractPatch = write_schemas(
    Contract, CONTRACT_FIELDS,
    optional=("owner",),
    extra={"lines": (list[LineIn], Field(default_factory=list))})


class ContractFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["number__icontains", "title__icontains"])] = None
    customer: Annotated[int | None, FilterLookup("customer_id")] = None
    type: Contract.Type | None = None
    status: Contract.Status | None = None
    owner: Annotated[int | None, FilterLookup("owner_id")] = None
    signed_after: Annotated[date | None, FilterLookup("signed_date__gte")] = None
    signed_before: Annotated[date | None, FilterLookup("signed_date__lt")] = None


def _lines(extras) -> list[actions.LineInput] | None:
    if extras.get("lines") is None:
        return None
    return [
        actions.LineInput(product_id=line["product"], quantity=line["quantity"],
                          unit_price=line.get("unit_price"),
                          discount_percent=line.get("discount_percent", Decimal("0")))
        for line in extras["lines"]
    ]


register(router, Resource(
    path="contracts", model=Contract, out=ContractOut, create_in=ContractIn,
    update_in=ContractPatch, filters=ContractFilter, extra_fields=("lines",),
    prefetch_related=("lines",),
    ordering=("signed_date", "created_at", "total_amount", "number"),
    create=lambda actor, data, extras: actions.create_contract(
        actor=actor, data=data, lines=_lines(extras) or []),
    update=lambda actor, pk, changes, extras, version: actions.update_contract(
        actor=actor, pk=pk, changes=changes, lines=_lines(extras), expected_version=version),
))

PLAN_FIELDS = ["contract", "due_date", "amount", "note"]


class PaymentPlanOut(ModelSchema):
    received: Decimal
    is_overdue: bool

    class Meta:
        model = PaymentPlan
        fields = ["id", *PLAN_FIELDS, "created_at", "updated_at", "version"]


PaymentPlanIn, PaymentPlanPatch = write_schemas(PaymentPlan, PLAN_FIELDS)


class PaymentPlanFilter(FilterSchema):
    contract: Annotated[int | None, FilterLookup("contract_id")] = None
    due_after: Annotated[date | None, FilterLookup("due_date__gte")] = None
    due_before: Annotated[date | None, FilterLookup("due_date__lt")] = None


register(router, Resource(
    path="payment-plans", model=PaymentPlan, out=PaymentPlanOut, create_in=PaymentPlanIn,
    update_in=PaymentPlanPatch, filters=PaymentPlanFilter, ordering=("due_date", "amount"),
    annotate="with_received",
))

PAYMENT_FIELDS = ["contract", "plan", "received_date", "amount", "currency", "reference"]


class PaymentOut(ModelSchema):
    class Meta:
        model = Payment
        fields = ["id", *PAYMENT_FIELDS, "refunded_amount", "created_at", "updated_at",
                  "version"]


PaymentIn, PaymentPatch = write_schemas(Payment, PAYMENT_FIELDS)


class PaymentFilter(FilterSchema):
    contract: Annotated[int | None, FilterLookup("contract_id")] = None
    plan: Annotated[int | None, FilterLookup("plan_id")] = None
    received_after: Annotated[date | None, FilterLookup("received_date__gte")] = None
    received_before: Annotated[date | None, FilterLookup("received_date__lt")] = None


register(router, Resource(
    path="payments", model=Payment, out=PaymentOut, create_in=PaymentIn, update_in=PaymentPatch,
    filters=PaymentFilter, ordering=("received_date", "amount", "created_at"),
))


class RefundOut(ModelSchema):
    class Meta:
        model = Refund
        fields = ["id", "contract", "payment", "amount", "currency", "reason", "status",
                  "refunded_date", "requested_by", "created_at", "updated_at", "version"]


class RefundIn(Schema):
    payment: int
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    reason: str = Field(..., min_length=1, max_length=200)


class RefundFilter(FilterSchema):
    contract: Annotated[int | None, FilterLookup("contract_id")] = None
    payment: Annotated[int | None, FilterLookup("payment_id")] = None
    status: Refund.Status | None = None


@router.get("/refunds", response=list[RefundOut], operation_id="list_refunds",
            summary="Refunds in the caller's scope, newest first")
@paginate(LimitOffset)
def list_refunds(request, filters: Query[RefundFilter]):
    return filters.filter(Refund.objects.visible_to(request.auth)).order_by("-created_at", "-pk")


@router.get("/refunds/{int:pk}", response=RefundOut, operation_id="get_refund")
def get_refund(request, pk: int):
    return Refund.objects.get_visible(request.auth, pk)


@router.post("/refunds", response={201: RefundOut}, operation_id="request_refund",
             summary="Pay back (part of) a payment; waits for the refund approval flow if "
                     "one applies")
def request_refund(request, body: RefundIn):
    return Status(201, actions.request_refund(actor=request.auth, payment_id=body.payment,
                                              amount=body.amount, reason=body.reason))
