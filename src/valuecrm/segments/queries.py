"""Reads over segments: their members and live counts, always within the reader's scope."""

from django.db.models import Q

from valuecrm.crm.models import Contact, Customer
from valuecrm.segments.conditions import compile_definition
from valuecrm.segments.models import Segment


def customers_matching(user, definition):
    return Customer.objects.visible_to(user).filter(compile_definition(definition))


def segment_customers(user, segment: Segment):
    return customers_matching(user, segment.definition)


def segment_contacts(user, segment: Segment):
    """Contacts of the segment's customers (a campaign's audience)."""
    return Contact.objects.visible_to(user).filter(
        customer__in=segment_customers(user, segment).values("pk"))


def segment_counts(user, segment: Segment) -> dict:
    return {"customers": segment_customers(user, segment).count(),
            "contacts": segment_contacts(user, segment).count()}


def get_segment(user, pk) -> Segment:
    return Segment.objects.get_visible(user, pk)


def segment_q(segment_id, customer_path: str = "pk") -> Q:
    """Rows whose customer (at `customer_path`) is in the segment: the `segment` filter of
    list APIs and pages. Scope is the list's own (it starts from visible_to); an unknown
    segment matches nothing."""
    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        return Q(pk__in=[])
    members = Customer.objects.filter(compile_definition(segment.definition)).values("pk")
    return Q(**{f"{customer_path}__in": members})
