"""Where a record's page is: one mapping, used by views, templates and the timeline."""

from django.urls import reverse

from valuecrm.campaigns.models import Campaign
from valuecrm.crm.models import Activity, Contact, Customer, Lead
from valuecrm.delivery.models import Order, PurchaseOrder
from valuecrm.sales.models import Contract, Opportunity
from valuecrm.value.models import Initiative

DETAIL_URLS = {
    Lead: "web:lead_detail",
    Customer: "web:customer_detail",
    Contact: "web:contact_detail",
    Opportunity: "web:opportunity_detail",
    Contract: "web:contract_detail",
    Order: "web:order_detail",
    Campaign: "web:campaign_detail",
    Initiative: "web:initiative_detail",
}


def record_url(obj) -> str:
    if isinstance(obj, Activity):
        target = obj.opportunity or obj.customer or obj.lead
        return record_url(target)
    if isinstance(obj, PurchaseOrder):
        return reverse("web:order_detail", args=[obj.order_id])
    return reverse(DETAIL_URLS[type(obj)], args=[obj.pk])


def page_url(obj) -> str:
    """The record's page, or "" for records that have none (reference data)."""
    try:
        return record_url(obj)
    except KeyError:
        return ""
