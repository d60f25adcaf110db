"""Where a record's page is: one mapping, used by views, templates and the timeline."""

from django.urls import reverse

from valuecrm.crm.models import Activity, Contact, Customer, Lead
from valuecrm.sales.models import Contract, Opportunity

DETAIL_URLS = {
    Lead: "web:lead_detail",
    Customer: "web:customer_detail",
    Contact: "web:contact_detail",
    Opportunity: "web:opportunity_detail",
    Contract: "web:contract_detail",
}


def record_url(obj) -> str:
    if isinstance(obj, Activity):
        target = obj.opportunity or obj.customer or obj.lead
        return record_url(target)
    return reverse(DETAIL_URLS[type(obj)], args=[obj.pk])
