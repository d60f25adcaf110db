"""Merging duplicates keeps everything of both records, or changes nothing at all."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from valuecrm.crm.actions import convert_lead, create_lead, log_activity
from valuecrm.crm.models import Activity, Contact, Customer, Lead, Tag
from valuecrm.dedup import merge
from valuecrm.sales.actions import LineInput, create_contract, create_opportunity
from valuecrm.sales.models import Contract, Opportunity


@pytest.fixture
def twin(org, records, product, customer_of):
    """A second customer of rep_a duplicating the fixture's, with one of everything."""
    customer = customer_of(org.rep_a, "rep_a 客户", region="上海", phone="13911112222")
    customer.tags.add(Tag.objects.create(name="重点"))
    Contact.objects.create(customer=customer, name="王五")
    deal = create_opportunity(actor=org.rep_a, data={"name": "二期", "customer_id": customer.pk})
    create_contract(actor=org.rep_a, data={"number": "HT-twin", "customer_id": customer.pk},
                    lines=[LineInput(product_id=product.pk, quantity=1)])
    log_activity(actor=org.rep_a, data={"kind": "visit", "customer_id": customer.pk,
                                        "started_at": timezone.now()})
    lead = create_lead(actor=org.rep_a, data={"name": "王五", "company_name": "rep_a 客户"})
    convert_lead(actor=org.rep_a, lead_id=lead.pk, customer_id=customer.pk)
    return {"customer": customer, "deal": deal, "lead": lead}


def counts(customer_id):
    return {
        "contacts": Contact.all_objects.filter(customer_id=customer_id).count(),
        "opportunities": Opportunity.all_objects.filter(customer_id=customer_id).count(),
        "contracts": Contract.all_objects.filter(customer_id=customer_id).count(),
        "activities": Activity.objects.filter(customer_id=customer_id).count(),
        "source_leads": Lead.all_objects.filter(converted_customer_id=customer_id).count(),
    }


def test_merge_moves_everything_and_keeps_the_chosen_fields(org, api, records, twin):
    survivor, other = records["rep_a"].customer, twin["customer"]
    before = {key: counts(survivor.pk)[key] + counts(other.pk)[key] for key in counts(other.pk)}
    response = api(org.rep_a).post("customers/merge", {
        "survivor": survivor.pk, "merged": [other.pk], "field_choices": {"name": other.pk},
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "rep_a 客户"  # chosen from the merged record
    assert body["industry"] == "制造业"  # the survivor's own value
    assert body["region"] == "上海" and body["phone"] == "+8613911112222"  # blanks filled
    assert body["tags"] == list(Tag.objects.values_list("pk", flat=True))
    assert counts(survivor.pk) == before
    assert counts(other.pk) == dict.fromkeys(before, 0)
    Customer.objects.get(pk=survivor.pk)
    merged = Customer.all_objects.get(pk=other.pk)
    assert merged.is_deleted and merged.name == "rep_a 客户"  # nothing of it is lost


def test_merge_is_recorded_on_both_sides_and_on_moved_records(org, api, records, twin):
    survivor, other = records["rep_a"].customer, twin["customer"]
    client = api(org.rep_a)
    client.post("customers/merge", {"survivor": survivor.pk, "merged": [other.pk]})
    survivor_history = client.get(f"customers/{survivor.pk}/history").json()
    assert survivor_history[-1]["reason"].startswith(f"merged customer #{other.pk}")
    merged_history = api(org.admin).get(f"customers/{other.pk}/history").json()
    assert merged_history[-1]["reason"] == f"merged into customer #{survivor.pk}"
    deal_history = client.get(f"opportunities/{twin['deal'].pk}/history").json()
    assert deal_history[-1]["reason"] == (
        f"moved from merged customer #{other.pk} to #{survivor.pk}")
    assert deal_history[-1]["changes"][0]["field"] == "customer"


def test_a_failing_merge_changes_nothing(org, records, twin, monkeypatch):
    survivor, other = records["rep_a"].customer, twin["customer"]
    before = (counts(survivor.pk), counts(other.pk))

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge.records, "delete_record", fail)
    with pytest.raises(RuntimeError):
        merge.merge_customers(actor=org.rep_a, survivor_id=survivor.pk, merged_ids=[other.pk],
                              field_choices={"name": other.pk})
    assert (counts(survivor.pk), counts(other.pk)) == before
    assert Customer.objects.get(pk=survivor.pk).name == "rep_a 客户有限公司"
    assert not Customer.all_objects.get(pk=other.pk).is_deleted
    assert Customer.objects.get(pk=survivor.pk).tags.count() == 0


def test_a_customer_outside_my_scope_cannot_be_merged(org, api, records):
    response = api(org.rep_a).post("customers/merge", {
        "survivor": records["rep_a"].customer.pk, "merged": [records["rep_b"].customer.pk]})
    assert response.status_code == 404
    assert not Customer.all_objects.get(pk=records["rep_b"].customer.pk).is_deleted


def test_bad_merge_requests_are_refused(org, api, records, twin):
    client, survivor = api(org.rep_a), records["rep_a"].customer.pk
    other = twin["customer"].pk
    for body in (
        {"survivor": survivor, "merged": []},
        {"survivor": survivor, "merged": [survivor]},
        {"survivor": survivor, "merged": [other], "field_choices": {"version": other}},
        {"survivor": survivor, "merged": [other], "field_choices": {"name": 999999}},
    ):
        response = client.post("customers/merge", body)
        assert response.status_code == 422, body
    assert api(org.analyst).post(
        "customers/merge", {"survivor": survivor, "merged": [other]}).status_code == 403


def test_every_relation_of_a_customer_is_moved_or_kept_on_purpose():
    handled = {related._meta.get_field(fk).remote_field.get_accessor_name()
               for related, fk in merge.CUSTOMER.relations} | set(merge.CUSTOMER.kept)
    relations = {rel.get_accessor_name() for rel in Customer._meta.related_objects
                 if not rel.hidden and rel.get_accessor_name()}
    assert relations <= handled, relations - handled


def test_merging_leads_moves_activities_and_keeps_the_first_contact(org, api):
    first = create_lead(actor=org.rep_a, data={"name": "张三", "phone": "13911112222"})
    second = create_lead(actor=org.rep_a, data={"name": "张三", "email": "zs@example.com"})
    log_activity(actor=org.rep_a, data={"kind": "call", "lead_id": second.pk,
                                        "started_at": timezone.now()})
    response = api(org.rep_a).post("leads/merge", {"survivor": first.pk,
                                                   "merged": [second.pk]})
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "zs@example.com"
    assert response.json()["first_contact_at"] is not None
    assert Activity.objects.filter(lead=first).count() == 1
    assert Lead.all_objects.get(pk=second.pk).is_deleted


def test_a_converted_lead_is_only_merged_as_the_survivor(org, api, records):
    converted = convert_lead(actor=org.rep_a, lead_id=records["rep_a"].lead.pk)
    other = create_lead(actor=org.rep_a, data={"name": "线索 rep_a"})
    client = api(org.rep_a)
    refused = client.post("leads/merge", {"survivor": other.pk, "merged": [converted.pk]})
    assert refused.status_code == 409
    assert refused.json()["code"] == "converted_lead_merged"
    ok = client.post("leads/merge", {"survivor": converted.pk, "merged": [other.pk]})
    assert ok.status_code == 200


def test_the_merge_command(org, records, twin):
    out = StringIO()
    survivor, other = records["rep_a"].customer.pk, twin["customer"].pk
    call_command("duplicates", "merge", "customers", str(survivor), str(other), "--as", "rep_a",
                 "--keep", f"name={other}", stdout=out)
    assert f"Merged 1 into {survivor} rep_a 客户." in out.getvalue()
