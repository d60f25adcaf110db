"""Reads over segments: their members and live counts, always within the reader's scope."""

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


def filter_by_segment(queryset, user, segment_id):
    """Restrict a customer or contact queryset to a segment's members (list filters)."""
    segment = get_segment(user, segment_id)
    members = segment_customers(user, segment).values("pk")
    if queryset.model is Customer:
        return queryset.filter(pk__in=members)
    return queryset.filter(customer__in=members)
