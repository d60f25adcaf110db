"""Segments (with live counts in the caller's scope), tag rules, and hand tagging. Lists of
customers and contacts take `?segment=ID` (api/crm.py)."""

from datetime import datetime

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from valuecrm.api.pagination import LimitOffset
from valuecrm.crm.models import Contact
from valuecrm.segments import actions, queries
from valuecrm.segments.models import Segment, TagChange, TagRule

router = Router(tags=["segments"])


class SegmentOut(Schema):
    id: int
    name: str
    description: str
    definition: dict
    owner_id: int
    updated_at: datetime


class CountsOut(Schema):
    customers: int
    contacts: int


class SegmentCountOut(SegmentOut):
    counts: CountsOut


class SegmentIn(Schema):
    name: str
    description: str = ""
    definition: dict


class SegmentPatch(Schema):
    name: str | None = None
    description: str | None = None
    definition: dict | None = None


class PreviewIn(Schema):
    definition: dict


class TagRuleOut(Schema):
    id: int
    name: str
    tag_id: int
    definition: dict
    is_active: bool
    last_run_at: datetime | None


class TagRuleIn(Schema):
    name: str
    tag: int
    definition: dict


class TagChangeOut(Schema):
    id: int
    tag_id: int
    customer_id: int
    action: str
    source: str
    rule_id: int | None
    reason: str
    actor_id: int
    at: datetime


class TagIn(Schema):
    tag: int
    remove: bool = False
    reason: str = ""


class ChangedOut(Schema):
    changed: bool


def _with_counts(user, segment):
    segment.counts = queries.segment_counts(user, segment)
    return segment


@router.get("/segments", response=list[SegmentCountOut], operation_id="list_segments",
            summary="Segments, each with its live counts within the caller's scope")
@paginate(LimitOffset)
def list_segments(request):
    return [_with_counts(request.auth, s) for s in Segment.objects.visible_to(request.auth)]


@router.post("/segments", response={201: SegmentOut}, operation_id="create_segment",
             summary="Save a segment (managers, department heads, administrators)")
def create_segment(request, body: SegmentIn):
    return Status(201, actions.create_segment(actor=request.auth, **body.dict()))


@router.post("/segments/preview", response=CountsOut, operation_id="preview_segment",
             summary="Counts of an unsaved definition within the caller's scope")
def preview_segment(request, body: PreviewIn):
    customers = queries.customers_matching(request.auth, body.definition)
    contacts = Contact.objects.visible_to(request.auth).filter(
        customer__in=customers.values("pk"))
    return {"customers": customers.count(), "contacts": contacts.count()}


@router.get("/segments/{int:pk}", response=SegmentCountOut, operation_id="get_segment")
def get_segment(request, pk: int):
    return _with_counts(request.auth, queries.get_segment(request.auth, pk))


@router.patch("/segments/{int:pk}", response=SegmentOut, operation_id="update_segment")
def update_segment(request, pk: int, body: SegmentPatch):
    return actions.update_segment(actor=request.auth, segment_id=pk, **body.dict())


@router.get("/tag-rules", response=list[TagRuleOut], operation_id="list_tag_rules")
@paginate(LimitOffset)
def list_tag_rules(request):
    return TagRule.objects.visible_to(request.auth)


@router.post("/tag-rules", response={201: TagRuleOut}, operation_id="create_tag_rule",
             summary="A scheduled rule that tags the customers matching a definition")
def create_tag_rule(request, body: TagRuleIn):
    return Status(201, actions.create_tag_rule(actor=request.auth, name=body.name,
                                               tag_id=body.tag, definition=body.definition))


@router.get("/tag-changes", response=list[TagChangeOut], operation_id="list_tag_changes",
            summary="When and why tags were added to or removed from customers")
@paginate(LimitOffset)
def list_tag_changes(request, customer: int | None = None, tag: int | None = None):
    found = TagChange.objects.visible_to(request.auth)
    if customer:
        found = found.filter(customer_id=customer)
    if tag:
        found = found.filter(tag_id=tag)
    return found


@router.post("/customers/{int:pk}/tags", response=ChangedOut, operation_id="tag_customer",
             summary="Add (or with remove=true take off) a tag by hand; logged with the reason")
def tag_customer(request, pk: int, body: TagIn):
    return {"changed": actions.tag_customer(actor=request.auth, customer_id=pk, tag_id=body.tag,
                                            add=not body.remove, reason=body.reason)}
