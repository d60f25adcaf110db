"""API of the duplicate check (used by forms before saving), duplicate groups, merges."""

from typing import Literal

from ninja import Field, Router, Schema

from valuecrm.api.crm import CustomerOut, LeadOut
from valuecrm.crm.models import Customer, Lead
from valuecrm.dedup import merge
from valuecrm.dedup.duplicates import duplicate_groups, find_duplicates

router = Router(tags=["duplicates"])
Kind = Literal["lead", "customer", "contact"]


class CheckIn(Schema):
    kind: Kind = Field(description="What is about to be saved")
    phone: str = ""
    email: str = ""
    company: str = Field("", description="A lead's company name or a customer's name")
    exclude_id: int | None = Field(None, description="The record itself, when editing it")


class MatchOut(Schema):
    field: str
    strength: float


class CandidateOut(Schema):
    kind: str
    matches: list[MatchOut]
    strength: float
    visible: bool
    owner_team: str | None
    in_pool: bool
    id: int | None
    name: str | None
    phone: str | None
    email: str | None
    owner: str | None


class CheckOut(Schema):
    candidates: list[CandidateOut]


@router.post("/duplicates/check", response=CheckOut, operation_id="check_duplicates",
             summary="Existing leads, customers and contacts that the values may duplicate "
                     "(records outside your scope show only their team)")
def check(request, payload: CheckIn):
    values = payload.dict(include={"phone", "email", "company"})
    return {"candidates": find_duplicates(actor=request.auth, kind=payload.kind, values=values,
                                          exclude_id=payload.exclude_id)}


class DuplicateGroupOut(Schema):
    key: str
    count: int
    members: list[dict]


class GroupsOut(Schema):
    count: int
    items: list[DuplicateGroupOut]


@router.get("/duplicates/groups", response=GroupsOut, operation_id="list_duplicate_groups",
            summary="Records in your scope sharing a normalised phone, email or company name")
def groups(request, kind: Kind, by: Literal["phone", "email", "company"], limit: int = 50,
           offset: int = 0):
    total, items = duplicate_groups(actor=request.auth, kind=kind, by=by,
                                    limit=min(max(limit, 1), 500), offset=max(offset, 0))
    return {"count": total, "items": items}


class MergeIn(Schema):
    survivor: int
    merged: list[int]
    field_choices: dict[str, int] = Field(
        default_factory=dict, description="field -> id of the record whose value to keep"
    )


@router.post("/customers/merge", response=CustomerOut, operation_id="merge_customers",
             summary="Merge customers into a survivor, moving everything attached to them")
def merge_customers(request, payload: MergeIn):
    survivor = merge.merge_customers(actor=request.auth, survivor_id=payload.survivor,
                                     merged_ids=payload.merged,
                                     field_choices=payload.field_choices)
    return Customer.objects.get_visible(request.auth, survivor.pk)


@router.post("/leads/merge", response=LeadOut, operation_id="merge_leads",
             summary="Merge leads into a survivor, moving their activities and tags")
def merge_leads(request, payload: MergeIn):
    survivor = merge.merge_leads(actor=request.auth, survivor_id=payload.survivor,
                                 merged_ids=payload.merged, field_choices=payload.field_choices)
    return Lead.objects.get_visible(request.auth, survivor.pk)
