"""Converting a lead creates the customer, contact and (optionally) the opportunity, linked."""

from valuecrm.crm.models import Contact, Customer, Lead
from valuecrm.sales.models import Opportunity


def test_conversion_creates_linked_customer_contact_and_opportunity(org, records, api):
    lead = records["rep_a"].lead
    response = api(org.rep_a).post(
        f"leads/{lead.pk}/convert",
        {"create_opportunity": True, "opportunity_name": "年度采购",
         "opportunity_amount": "88000.50"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "converted" and body["converted_at"]

    customer = Customer.objects.get(pk=body["converted_customer"])
    contact = Contact.objects.get(pk=body["converted_contact"])
    deal = Opportunity.objects.get(pk=body["converted_opportunity"])
    assert customer.name == lead.company_name and customer.owner == org.rep_a
    assert customer.channel_id == lead.channel_id
    assert contact.customer == customer and contact.phone == lead.phone
    assert deal.customer == customer and str(deal.amount) == "88000.50"
    assert deal.stage_changes.count() == 1


def test_conversion_can_attach_to_an_existing_customer(org, records, api):
    lead = records["rep_a"].lead
    existing = records["rep_a"].customer
    before = Customer.objects.count()
    body = api(org.rep_a).post(f"leads/{lead.pk}/convert", {"customer": existing.pk}).json()
    assert body["converted_customer"] == existing.pk
    assert body["converted_opportunity"] is None
    assert Customer.objects.count() == before


def test_a_lead_converts_only_once(org, records, api):
    lead = records["rep_a"].lead
    client = api(org.rep_a)
    assert client.post(f"leads/{lead.pk}/convert").status_code == 200
    again = client.post(f"leads/{lead.pk}/convert")
    assert again.status_code == 409
    assert again.json()["code"] == "lead_not_open"


def test_failed_conversion_writes_nothing(org, records, api):
    lead = records["rep_a"].lead
    before = (Customer.objects.count(), Contact.objects.count())
    response = api(org.rep_a).post(
        f"leads/{lead.pk}/convert",
        {"create_opportunity": True, "opportunity_amount": "-5"},
    )
    assert response.status_code == 422
    assert (Customer.objects.count(), Contact.objects.count()) == before
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_cannot_convert_onto_someone_elses_customer(org, records, api):
    lead = records["rep_a"].lead
    response = api(org.rep_a).post(
        f"leads/{lead.pk}/convert", {"customer": records["rep_b"].customer.pk}
    )
    assert response.status_code == 404
