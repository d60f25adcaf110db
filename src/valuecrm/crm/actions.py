"""Actions on leads and customers that span more than one record."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import Conflict
from valuecrm.core.records import create_record, lock_for_write
from valuecrm.crm.models import Contact, Customer, Lead
from valuecrm.sales.actions import create_opportunity


@transaction.atomic
def create_lead(*, actor, data: dict, tags=None) -> Lead:
    """A new lead; an owned lead counts as assigned from now (time to first contact starts)."""
    data = dict(data)
    lead = create_record(actor=actor, model=Lead, data=data, tags=tags)
    if lead.owner_id and not lead.assigned_at:
        Lead.objects.filter(pk=lead.pk).update(assigned_at=lead.created_at)
        lead.assigned_at = lead.created_at
    return lead


@transaction.atomic
def convert_lead(
    *, actor, lead_id: int, customer_id: int | None = None, opportunity: dict | None = None
) -> Lead:
    """Turn an open lead into a customer (new, or an existing one) and a contact, and
    optionally an opportunity, keeping the links on the lead."""
    lead = lock_for_write(actor, Lead, lead_id)
    if lead.status in (Lead.Status.CONVERTED, Lead.Status.DISQUALIFIED):
        raise Conflict(
            _("Only an open lead can be converted; this one is %(status)s.")
            % {"status": lead.get_status_display()},
            code="lead_not_open",
        )
    owner_id = lead.owner_id or actor.pk
    if customer_id is not None:
        customer = lock_for_write(actor, Customer, customer_id)
    else:
        customer = create_record(actor=actor, model=Customer, data={
            "name": lead.company_name or lead.name, "industry": lead.industry,
            "region": lead.region, "phone": lead.phone, "email": lead.email,
            "channel_id": lead.channel_id, "owner_id": owner_id,
        })
    contact = create_record(actor=actor, model=Contact, data={
        "customer_id": customer.pk, "name": lead.name or lead.company_name,
        "phone": lead.phone, "email": lead.email, "is_primary": customer_id is None,
    })
    deal = None
    if opportunity is not None:
        deal = create_opportunity(actor=actor, data={
            "name": opportunity.get("name") or customer.name, "customer_id": customer.pk,
            "owner_id": owner_id, **{k: v for k, v in opportunity.items() if k != "name"},
        })
    lead.status = Lead.Status.CONVERTED
    lead.converted_at = timezone.now()
    lead.converted_customer, lead.converted_contact, lead.converted_opportunity = (
        customer, contact, deal,
    )
    lead.version += 1
    lead._history_user = actor
    lead._change_reason = _("converted")
    lead.save()
    return lead
