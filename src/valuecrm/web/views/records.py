"""Record pages: detail with timeline and related records, create and edit forms."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from valuecrm.core.records import create_record, update_record
from valuecrm.crm import actions as crm_actions
from valuecrm.crm.models import Activity, Contact, Customer, Lead
from valuecrm.sales import actions as sales_actions
from valuecrm.sales.models import Contract, Opportunity, PaymentPlan
from valuecrm.web import record_forms as rf
from valuecrm.web.timeline import timeline
from valuecrm.web.views.forms import domain_errors, posted, submit

# Lead and customer forms ask dedup for possible duplicates as phone, email or company
# change (views/search.py), before anything is saved.
DUPLICATE_CHECK = {
    "lead": {"duplicate_kind": "lead", "duplicate_company": "company_name"},
    "customer": {"duplicate_kind": "customer", "duplicate_company": "name"},
}


def _visible(request, model, pk, *related):
    qs = model._default_manager.visible_to(request.user)
    return get_object_or_404(qs.select_related(*related), pk=pk)


def edit_page(request, model, pk, form_class, *, title, update=None, extra=None,
              success=None):
    """The edit page of any record: the form carries `version` so stale edits are refused.
    `update` is the action (default: core.records.update_record); it also gets the form's
    `extras()`, such as the reason for a change."""
    obj = _visible(request, model, pk)
    form = form_class(posted(request), instance=obj, user=request.user)

    def save(form):
        version = int(request.POST.get("version") or obj.version)
        if update is not None:
            return update(actor=request.user, pk=obj.pk, changes=form.values(),
                          expected_version=version, **form.extras())
        return update_record(actor=request.user, model=model, pk=obj.pk, changes=form.values(),
                             expected_version=version)

    version = request.POST.get("version", obj.version)
    return submit(request, form, save, success=success,
                  context={"title": title, "record": obj, "version": version, **(extra or {})})


# Leads ------------------------------------------------------------------------------------

@login_required
def lead_detail(request, pk):
    lead = _visible(request, Lead, pk, "owner", "channel", "converted_customer",
                    "converted_opportunity")
    return render(request, "web/lead_detail.html", {
        "record": lead, "timeline": timeline(lead, request.user, lead=lead),
        "is_open": lead.status not in (Lead.Status.CONVERTED, Lead.Status.DISQUALIFIED),
    })


@login_required
@domain_errors
def lead_create(request):
    form = rf.LeadForm(posted(request), user=request.user)
    return submit(request, form,
                  lambda f: crm_actions.create_lead(actor=request.user, data=f.values()),
                  context={"title": _("New lead"), **DUPLICATE_CHECK["lead"]})


@login_required
@domain_errors
def lead_edit(request, pk):
    return edit_page(request, Lead, pk, rf.LeadForm, title=_("Edit lead"),
                 extra=DUPLICATE_CHECK["lead"])


@login_required
@domain_errors
def lead_convert(request, pk):
    lead = _visible(request, Lead, pk)
    form = rf.ConvertForm(posted(request))

    def save(form):
        data = form.cleaned_data
        opportunity = None
        if data["create_opportunity"]:
            opportunity = {"name": data["opportunity_name"]}
            if data["opportunity_amount"] is not None:
                opportunity["amount"] = data["opportunity_amount"]
        converted = crm_actions.convert_lead(actor=request.user, lead_id=lead.pk,
                                             opportunity=opportunity)
        return converted.converted_opportunity or converted.converted_customer

    return submit(request, form, save, context={
        "title": _("Convert lead “%(name)s”") % {"name": lead}, "record": lead,
        "intro": _("The lead becomes a customer with this person as its contact."),
    }, aliases={"name": "opportunity_name", "amount": "opportunity_amount"})


# Customers and contacts -------------------------------------------------------------------

@login_required
def customer_detail(request, pk):
    customer = _visible(request, Customer, pk, "owner", "channel")
    opportunities = list(Opportunity.objects.visible_to(request.user)
                         .filter(customer=customer).select_related("stage"))
    return render(request, "web/customer_detail.html", {
        "record": customer,
        "contacts": Contact.objects.visible_to(request.user).filter(customer=customer),
        "opportunities": opportunities,
        "contracts": Contract.objects.visible_to(request.user).filter(customer=customer),
        "timeline": timeline(customer, request.user, customer=customer,
                             opportunity_ids=[o.pk for o in opportunities]),
    })


@login_required
@domain_errors
def customer_create(request):
    form = rf.CustomerForm(posted(request), user=request.user)
    return submit(request, form,
                  lambda f: create_record(actor=request.user, model=Customer, data=f.values()),
                  context={"title": _("New customer"), **DUPLICATE_CHECK["customer"]})


@login_required
@domain_errors
def customer_edit(request, pk):
    return edit_page(request, Customer, pk, rf.CustomerForm, title=_("Edit customer"),
                 extra=DUPLICATE_CHECK["customer"])


@login_required
@domain_errors
def contact_create(request, customer_pk):
    customer = _visible(request, Customer, customer_pk)
    form = rf.ContactForm(posted(request), user=request.user)
    return submit(request, form, lambda f: create_record(
        actor=request.user, model=Contact, data={**f.values(), "customer_id": customer.pk},
    ), context={"title": _("New contact at %(customer)s") % {"customer": customer},
                "record": customer})


@login_required
def contact_detail(request, pk):
    contact = _visible(request, Contact, pk, "customer")
    return render(request, "web/contact_detail.html", {
        "record": contact, "timeline": timeline(contact, request.user),
    })


@login_required
@domain_errors
def contact_edit(request, pk):
    return edit_page(request, Contact, pk, rf.ContactForm, title=_("Edit contact"))


# Opportunities and contracts --------------------------------------------------------------

@login_required
def opportunity_detail(request, pk):
    opportunity = _visible(request, Opportunity, pk, "customer", "stage", "owner")
    return render(request, "web/opportunity_detail.html", {
        "record": opportunity,
        "contracts": Contract.objects.visible_to(request.user).filter(opportunity=opportunity),
        "timeline": timeline(opportunity, request.user, opportunity=opportunity,
                             opportunity_ids=[opportunity.pk]),
    })


@login_required
@domain_errors
def opportunity_create(request, customer_pk):
    customer = _visible(request, Customer, customer_pk)
    form = rf.OpportunityForm(posted(request), user=request.user)
    return submit(request, form, lambda f: sales_actions.create_opportunity(
        actor=request.user, data={**f.values(), "customer_id": customer.pk},
    ), context={"title": _("New opportunity for %(customer)s") % {"customer": customer},
                "record": customer})


@login_required
@domain_errors
def opportunity_edit(request, pk):
    return edit_page(request, Opportunity, pk, rf.OpportunityForm, title=_("Edit opportunity"),
                 update=sales_actions.update_opportunity)


@login_required
def contract_detail(request, pk):
    contract = _visible(request, Contract, pk, "customer", "owner", "opportunity")
    plans = PaymentPlan.objects.visible_to(request.user).filter(contract=contract).with_received()
    return render(request, "web/contract_detail.html", {
        "record": contract, "lines": contract.lines.select_related("product"),
        "plans": plans, "payments": contract.payments.all(),
        "timeline": timeline(contract, request.user),
    })


# Activities -------------------------------------------------------------------------------

ACTIVITY_TARGETS = {"lead": Lead, "customer": Customer, "opportunity": Opportunity}


@login_required
@domain_errors
def activity_create(request, target, pk):
    model = ACTIVITY_TARGETS.get(target)
    if model is None:
        raise Http404
    parent = _visible(request, model, pk)
    form = rf.ActivityForm(posted(request), user=request.user,
                           initial={"kind": request.GET.get("kind") or Activity.Kind.CALL})
    return submit(request, form, lambda f: create_record(
        actor=request.user, model=Activity, data={**f.values(), f"{target}_id": parent.pk},
    ), context={"title": _("Log an activity on %(record)s") % {"record": parent},
                "record": parent, "back": reverse(f"web:{target}_detail", args=[pk])},
        aliases={"duration_seconds": "duration_minutes"})
