"""Actions on leads and customers that span more than one record."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import Conflict
from valuecrm.core.records import create_record, lock_for_write
from valuecrm.crm.models import Activity, Contact, Customer, Lead
from valuecrm.org.models import Role
from valuecrm.sales.actions import create_opportunity
from valuecrm.usage.actions import track
from valuecrm.webhooks.actions import emit


@transaction.atomic
def create_lead(*, actor, data: dict, tags=None) -> Lead:
    """A new lead. A rep's own lead is theirs; a lead created by anyone else without an
    owner (a manager's entry, web-to-lead, a system job) is first checked by the cleaning
    rules (a filtered lead is disqualified with the rule as reason, never dropped) and then
    given out by the assignment rules. An owned lead counts as assigned from now: time to
    first contact starts."""
    from valuecrm.assignment.actions import assign_lead
    from valuecrm.dedup.cleaning import clean_lead

    by_rules = data.get("owner_id") is None and actor.role != Role.REP
    lead = create_record(actor=actor, model=Lead, data=dict(data), tags=tags)
    if lead.owner_id and not lead.assigned_at:
        Lead.objects.filter(pk=lead.pk).update(assigned_at=lead.created_at)
        lead.assigned_at = lead.created_at
    if by_rules:
        verdict = clean_lead(actor=actor, lead=lead)
        lead = verdict.lead
        if verdict.passed and assign_lead(actor=actor, lead_id=lead.pk) is not None:
            lead.refresh_from_db()
    emit("lead.created", lead_payload(lead))
    track(actor, "leads", "create")
    return lead


def lead_payload(lead: Lead) -> dict:
    return {"id": lead.pk, "name": lead.name, "company_name": lead.company_name,
            "channel": lead.channel_id, "status": lead.status, "owner": lead.owner_id}


@transaction.atomic
def log_activity(*, actor, data: dict) -> Activity:
    """Record a call, visit, email, meeting or note. The first activity on a lead marks its
    first contact (time to first contact runs from assignment to here) and moves a new lead
    to working; the customer's last-activity time feeds the pool's recycle rules."""
    activity = create_record(actor=actor, model=Activity, data=data)
    when = activity.started_at
    if activity.lead_id:
        Lead.objects.filter(pk=activity.lead_id, first_contact_at__isnull=True).update(
            first_contact_at=when
        )
        Lead.objects.filter(pk=activity.lead_id, status=Lead.Status.NEW).update(
            status=Lead.Status.WORKING
        )
    customer_id = activity.customer_id or (
        activity.opportunity.customer_id if activity.opportunity_id else None
    )
    if customer_id:
        Customer.all_objects.filter(pk=customer_id).filter(
            Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=when)
        ).update(last_activity_at=when)
    track(actor, "activities", "log")
    return activity


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
    emit("lead.converted", {**lead_payload(lead), "customer": customer.pk, "contact": contact.pk,
                            "opportunity": deal.pk if deal else None})
    return lead
