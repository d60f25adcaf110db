"""API resources for leads, customers, contacts, activities, channels and tags."""

from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema, ModelSchema, Router, Schema

from valuecrm.api.crud import Resource, register, write_schemas
from valuecrm.api.types import Instant
from valuecrm.core.search import matches
from valuecrm.crm import actions
from valuecrm.crm.models import Activity, Channel, Contact, Customer, Lead, Tag
from valuecrm.org.scope import can_see_costs
from valuecrm.segments.queries import segment_q

router = Router(tags=["crm"])
CONTACT_SEARCH = ["name__icontains", "phone__contains", "email__icontains"]
SEARCH_HELP = ("Name, company, phone or email, as the global search matches them (also "
               "pinyin and initials)")

LEAD_FIELDS = [
    "name", "company_name", "phone", "email", "region", "industry", "channel", "status",
    "disqualify_reason", "owner",
]


class LeadOut(ModelSchema):
    tags: list[int] = Field(default_factory=list)

    class Meta:
        model = Lead
        fields = ["id", *LEAD_FIELDS, "assigned_at", "first_contact_at", "converted_at",
                  "converted_customer", "converted_contact", "converted_opportunity",
                  "created_at", "updated_at", "version"]

    @staticmethod
    def resolve_tags(obj):
        return [tag.pk for tag in obj.tags.all()]


LeadIn, LeadPatch = write_schemas(Lead, LEAD_FIELDS, extra={"tags": (list[int] | None, None)})


class LeadFilter(FilterSchema):
    q: str | None = Field(None, description=SEARCH_HELP)
    status: Lead.Status | None = None
    channel: Annotated[int | None, FilterLookup("channel_id")] = None
    owner: Annotated[int | None, FilterLookup("owner_id")] = None
    region: str | None = None
    industry: str | None = None
    tag: Annotated[int | None, FilterLookup("tags")] = None
    created_after: Annotated[Instant | None, FilterLookup("created_at__gte")] = None
    created_before: Annotated[Instant | None, FilterLookup("created_at__lt")] = None

    def filter_q(self, value):
        return matches(value)


def _create_lead(actor, data, extras):
    return actions.create_lead(actor=actor, data=data, tags=extras.get("tags"))


register(router, Resource(
    path="leads", model=Lead, out=LeadOut, create_in=LeadIn, update_in=LeadPatch,
    filters=LeadFilter, extra_fields=("tags",), create=_create_lead,
    ordering=("created_at", "updated_at", "name", "company_name", "status", "assigned_at"),
    prefetch_related=("tags",),
))


class ConvertIn(Schema):
    customer: int | None = Field(None, description="Attach to this existing customer")
    create_opportunity: bool = False
    opportunity_name: str | None = None
    opportunity_amount: str | None = None


@router.post("/leads/{int:pk}/convert", response=LeadOut, operation_id="convert_lead",
             summary="Convert a lead into a customer and contact (and an opportunity)")
def convert_lead(request, pk: int, payload: ConvertIn):
    opportunity = None
    if payload.create_opportunity:
        opportunity = {"name": payload.opportunity_name}
        if payload.opportunity_amount is not None:
            opportunity["amount"] = payload.opportunity_amount
    lead = actions.convert_lead(
        actor=request.auth, lead_id=pk, customer_id=payload.customer, opportunity=opportunity
    )
    return Lead.objects.get_visible(request.auth, lead.pk)


CUSTOMER_FIELDS = ["name", "industry", "size_tier", "region", "phone", "email",
                   "lifecycle_stage", "channel", "owner"]


class CustomerOut(ModelSchema):
    tags: list[int] = Field(default_factory=list)

    class Meta:
        model = Customer
        fields = ["id", *CUSTOMER_FIELDS, "created_at", "updated_at", "version"]

    @staticmethod
    def resolve_tags(obj):
        return [tag.pk for tag in obj.tags.all()]


CustomerIn, CustomerPatch = write_schemas(
    Customer, CUSTOMER_FIELDS, extra={"tags": (list[int] | None, None)})


class CustomerFilter(FilterSchema):
    q: str | None = Field(None, description=SEARCH_HELP)
    industry: str | None = None
    region: str | None = None
    size_tier: Customer.SizeTier | None = None
    lifecycle_stage: Customer.Lifecycle | None = None
    owner: Annotated[int | None, FilterLookup("owner_id")] = None
    tag: Annotated[int | None, FilterLookup("tags")] = None
    segment: int | None = None

    def filter_segment(self, value):
        return segment_q(value) if value is not None else Q()

    def filter_q(self, value):
        return matches(value)


register(router, Resource(
    path="customers", model=Customer, out=CustomerOut, create_in=CustomerIn,
    update_in=CustomerPatch, filters=CustomerFilter, extra_fields=("tags",),
    ordering=("created_at", "updated_at", "name", "lifecycle_stage"),
    prefetch_related=("tags",),
))

CONTACT_FIELDS = ["customer", "name", "title", "phone", "email", "is_primary"]


class ContactOut(ModelSchema):
    class Meta:
        model = Contact
        fields = ["id", *CONTACT_FIELDS, "created_at", "updated_at", "version"]


ContactIn, ContactPatch = write_schemas(Contact, CONTACT_FIELDS)


class ContactFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(CONTACT_SEARCH)] = None
    customer: Annotated[int | None, FilterLookup("customer_id")] = None
    segment: int | None = None

    def filter_segment(self, value):
        return segment_q(value, "customer") if value is not None else Q()


register(router, Resource(
    path="contacts", model=Contact, out=ContactOut, create_in=ContactIn, update_in=ContactPatch,
    filters=ContactFilter, ordering=("created_at", "name"),
))

ACTIVITY_FIELDS = ["kind", "lead", "customer", "opportunity", "owner", "started_at",
                   "duration_seconds", "subject", "outcome"]


class ActivityOut(ModelSchema):
    class Meta:
        model = Activity
        fields = ["id", *ACTIVITY_FIELDS, "created_at", "updated_at", "version"]


ActivityIn, ActivityPatch = write_schemas(Activity, ACTIVITY_FIELDS, optional=("owner",))


class ActivityFilter(FilterSchema):
    kind: Activity.Kind | None = None
    lead: Annotated[int | None, FilterLookup("lead_id")] = None
    customer: Annotated[int | None, FilterLookup("customer_id")] = None
    opportunity: Annotated[int | None, FilterLookup("opportunity_id")] = None
    owner: Annotated[int | None, FilterLookup("owner_id")] = None
    started_after: Annotated[Instant | None, FilterLookup("started_at__gte")] = None
    started_before: Annotated[Instant | None, FilterLookup("started_at__lt")] = None


register(router, Resource(
    path="activities", model=Activity, out=ActivityOut, create_in=ActivityIn,
    update_in=ActivityPatch, filters=ActivityFilter,
    create=lambda actor, data, extras: actions.log_activity(actor=actor, data=data),
    ordering=("started_at", "created_at", "duration_seconds"),
))

CHANNEL_FIELDS = ["name", "code", "monthly_cost", "currency", "is_active", "capture_key",
                  "thanks_url"]


class ChannelOut(ModelSchema):
    class Meta:
        model = Channel
        fields = ["id", *CHANNEL_FIELDS, "created_at", "updated_at"]

    @staticmethod
    def resolve_monthly_cost(obj, context):
        return obj.monthly_cost if can_see_costs(context["request"].auth) else None


ChannelIn, ChannelPatch = write_schemas(Channel, CHANNEL_FIELDS)


class NameFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup("name__icontains")] = None


register(router, Resource(
    path="channels", model=Channel, out=ChannelOut, create_in=ChannelIn, update_in=ChannelPatch,
    filters=NameFilter, ordering=("name", "created_at"),
))


class TagOut(ModelSchema):
    class Meta:
        model = Tag
        fields = ["id", "group", "name", "color"]


TagIn, TagPatch = write_schemas(Tag, ["group", "name", "color"])


register(router, Resource(
    path="tags", model=Tag, out=TagOut, create_in=TagIn, update_in=TagPatch,
    filters=NameFilter, ordering=("name",), select_related=("group",),
))
