"""API for assignment rules, assigning by rule and reassigning by hand."""

from datetime import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import FilterLookup, FilterSchema, ModelSchema, Router, Schema

from valuecrm.api.crm import LeadOut
from valuecrm.api.crud import Resource, register, write_schemas
from valuecrm.assignment import actions
from valuecrm.assignment.models import AssignmentMember, AssignmentRule
from valuecrm.core.errors import Conflict
from valuecrm.core.records import lock_for_write
from valuecrm.crm.models import Lead

router = Router(tags=["assignment"])

RULE_FIELDS = ["name", "unit", "method", "priority", "channel", "regions", "industries",
               "max_open_leads", "is_active"]


class MemberOut(ModelSchema):
    class Meta:
        model = AssignmentMember
        fields = ["user", "weight", "assigned_count", "last_assigned_at", "is_active"]


class RuleOut(ModelSchema):
    members: list[MemberOut]

    class Meta:
        model = AssignmentRule
        fields = ["id", *RULE_FIELDS]


RuleIn, RulePatch = write_schemas(AssignmentRule, RULE_FIELDS, name="Rule")


class RuleFilter(FilterSchema):
    is_active: bool | None = None
    channel: Annotated[int | None, FilterLookup("channel_id")] = None


register(router, Resource(
    path="assignment-rules", model=AssignmentRule, out=RuleOut, create_in=RuleIn,
    update_in=RulePatch, filters=RuleFilter, ordering=("priority", "name"),
    prefetch_related=("members",),
))


class MemberIn(Schema):
    user: int
    weight: int = 1
    is_active: bool = True


@router.put("/assignment-rules/{int:pk}/members", response=RuleOut,
            operation_id="set_assignment_rule_members",
            summary="Replace the people a rule distributes leads to")
def set_members(request, pk: int, payload: list[MemberIn]):
    rule = actions.set_rule_members(
        actor=request.auth, rule_id=pk,
        members=[(m.user, m.weight, m.is_active) for m in payload],
    )
    return rule


class AssignmentOut(Schema):
    from_owner: int | None
    to_owner: int
    rule: int | None
    reason: str
    actor: int | None
    at: datetime


def _assignment_out(a) -> dict:
    return {"from_owner": a.from_owner_id, "to_owner": a.to_owner_id, "rule": a.rule_id,
            "reason": a.reason, "actor": a.actor_id, "at": a.at}


@router.post("/leads/{int:pk}/assign", response=AssignmentOut, operation_id="assign_lead",
             summary="Assign a lead by the rules (409 when no rule can take it)")
def assign(request, pk: int):
    # The caller must be allowed to change the lead; the rule then decides who gets it,
    # possibly someone outside the caller's scope, so the answer is the assignment.
    lock_for_write(request.auth, Lead, pk)
    assignment = actions.assign_lead(actor=request.auth, lead_id=pk)
    if assignment is None:
        raise Conflict(_("No rule can take this lead now."), code="no_rule_matched")
    return _assignment_out(assignment)


class ReassignIn(Schema):
    owner: int
    reason: str


@router.post("/leads/{int:pk}/reassign", response=LeadOut, operation_id="reassign_lead",
             summary="Give a lead to someone else, with the reason")
def reassign(request, pk: int, payload: ReassignIn):
    return actions.reassign_lead(actor=request.auth, lead_id=pk, owner_id=payload.owner,
                                 reason=payload.reason)


@router.get("/leads/{int:pk}/assignments", response=list[AssignmentOut],
            operation_id="list_lead_assignments", summary="Who held the lead when, and why")
def assignments(request, pk: int):
    lead = Lead.objects.get_visible(request.auth, pk)
    return [_assignment_out(a) for a in lead.assignments.all()]
