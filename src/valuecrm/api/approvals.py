"""Approval flows, requests, decisions and the approver's inbox."""

from datetime import datetime
from decimal import Decimal

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from valuecrm.api.pagination import LimitOffset
from valuecrm.approvals import actions, queries
from valuecrm.approvals.models import ApprovalFlow, Subject

router = Router(tags=["approvals"])


class StepOut(Schema):
    position: int
    name: str
    approver_id: int | None
    approver_role: str
    approver_unit_id: int | None
    sla_hours: int
    status: str
    activated_at: datetime | None
    opened_at: datetime | None
    decided_at: datetime | None
    decided_by_id: int | None
    comment: str
    waiting_seconds: int | None
    handling_seconds: int | None
    reminded_at: datetime | None


class RequestOut(Schema):
    id: int
    flow_id: int
    subject: str
    contract_id: int
    refund_id: int | None
    amount: Decimal
    discount_percent: Decimal
    reason: str
    owner_id: int
    requested_by_id: int
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    cycle_seconds: int | None
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.all())


class SubmitIn(Schema):
    contract_id: int
    subject: Subject = Subject.CONTRACT
    amount: Decimal | None = None
    reason: str = ""


class DecisionIn(Schema):
    comment: str = ""


@router.get("/approvals", response=list[RequestOut], operation_id="list_approvals",
            summary="Approval requests in the caller's scope or waiting for them")
@paginate(LimitOffset)
def list_approvals(request, status: str | None = None, contract: int | None = None):
    found = queries.requests_for(request.auth).prefetch_related("steps")
    if status:
        found = found.filter(status=status)
    if contract:
        found = found.filter(contract_id=contract)
    return found.order_by("-submitted_at", "-pk")


@router.get("/approvals/inbox", response=list[RequestOut], operation_id="approval_inbox",
            summary="Requests whose current step the caller decides, oldest first")
@paginate(LimitOffset)
def approval_inbox(request):
    return [step.request for step in queries.inbox(request.auth)]


@router.get("/approvals/{int:pk}", response=RequestOut, operation_id="get_approval",
            summary="One request; opening it as its approver ends the step's waiting time")
def get_approval(request, pk: int):
    return actions.open_request(actor=request.auth, request_id=pk)


@router.post("/approvals", response={201: RequestOut}, operation_id="submit_approval",
             summary="Submit a contract (or a refund on it) for approval")
def submit_approval(request, body: SubmitIn):
    return Status(201, actions.submit_for_approval(
        actor=request.auth, contract_id=body.contract_id, subject=body.subject,
        amount=body.amount, reason=body.reason))


@router.post("/approvals/{int:pk}/approve", response=RequestOut, operation_id="approve_approval")
def approve(request, pk: int, body: DecisionIn):
    return actions.decide(actor=request.auth, request_id=pk, approve=True, comment=body.comment)


@router.post("/approvals/{int:pk}/reject", response=RequestOut, operation_id="reject_approval",
             summary="Reject with a comment (required)")
def reject(request, pk: int, body: DecisionIn):
    return actions.decide(actor=request.auth, request_id=pk, approve=False,
                          comment=body.comment)


class FlowStepIn(Schema):
    name: str
    approver_role: str = ""
    approver_id: int | None = None
    sla_hours: int = 24


class FlowIn(Schema):
    name: str
    subject: Subject = Subject.CONTRACT
    min_amount: Decimal | None = None
    min_discount_percent: Decimal | None = None
    priority: int = 100
    steps: list[FlowStepIn]


class FlowOut(Schema):
    id: int
    name: str
    subject: str
    min_amount: Decimal | None
    min_discount_percent: Decimal | None
    priority: int
    is_active: bool
    steps: list[FlowStepIn]

    @staticmethod
    def resolve_steps(obj):
        return [{"name": s.name, "approver_role": s.approver_role,
                 "approver_id": s.approver_id, "sla_hours": s.sla_hours}
                for s in obj.steps.all()]


@router.get("/approval-flows", response=list[FlowOut], operation_id="list_approval_flows")
def list_flows(request):
    return list(ApprovalFlow.objects.visible_to(request.auth).prefetch_related("steps"))


@router.post("/approval-flows", response={201: FlowOut}, operation_id="create_approval_flow",
             summary="A flow with its steps in order (administrators)")
def create_flow(request, body: FlowIn):
    data = body.dict(exclude={"steps"})
    steps = [actions.StepInput(**s.dict()) for s in body.steps]
    return Status(201, actions.create_flow(actor=request.auth, data=data, steps=steps))
