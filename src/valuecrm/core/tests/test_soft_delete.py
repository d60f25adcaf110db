"""Deleted records go to the recycle bin and come back whole."""

from valuecrm.crm.models import Contact, Customer
from valuecrm.sales.models import Contract, Opportunity


def test_deleted_lead_disappears_from_lists_and_appears_in_the_recycle_bin(org, records, api):
    client = api(org.rep_a)
    lead = records["rep_a"].lead
    assert client.delete(f"leads/{lead.pk}").status_code == 204
    assert client.get("leads").json()["count"] == 0
    assert client.get(f"leads/{lead.pk}").status_code == 404
    binned = client.get("recycle-bin").json()["items"]
    assert [(row["kind"], row["id"]) for row in binned] == [("lead", lead.pk)]
    assert binned[0]["deleted_by"] == str(org.rep_a)


def test_recycle_bin_respects_scope(org, records, api):
    api(org.rep_b).delete(f"leads/{records['rep_b'].lead.pk}")
    assert api(org.rep_a).get("recycle-bin").json()["count"] == 0
    assert api(org.head_east).get("recycle-bin").json()["count"] == 1


def test_deleting_a_customer_takes_its_contacts_deals_and_contracts_and_restore_returns_them(
    org, records, api
):
    client = api(org.rep_a)
    mine = records["rep_a"]
    assert client.delete(f"customers/{mine.customer.pk}").status_code == 204
    assert not Contact.objects.filter(customer=mine.customer).exists()
    assert not Opportunity.objects.filter(customer=mine.customer).exists()
    assert not Contract.objects.filter(customer=mine.customer).exists()
    assert client.get("recycle-bin").json()["count"] == 4

    response = client.post(f"customers/{mine.customer.pk}/restore")
    assert response.status_code == 200
    assert Customer.objects.filter(pk=mine.customer.pk).exists()
    assert Contact.objects.filter(pk=mine.contact.pk).exists()
    assert Opportunity.objects.filter(pk=mine.opportunity.pk).exists()
    assert Contract.objects.filter(pk=mine.contract.pk).exists()
    assert client.get("recycle-bin").json()["count"] == 0


def test_restore_keeps_records_deleted_separately_in_the_bin(org, records, api):
    client = api(org.rep_a)
    mine = records["rep_a"]
    client.delete(f"contacts/{mine.contact.pk}")
    client.delete(f"customers/{mine.customer.pk}")
    client.post(f"customers/{mine.customer.pk}/restore")
    assert not Contact.objects.filter(pk=mine.contact.pk).exists()
    assert client.post(f"contacts/{mine.contact.pk}/restore").status_code == 200


def test_a_child_cannot_be_restored_while_its_parent_is_deleted(org, records, api):
    client = api(org.rep_a)
    mine = records["rep_a"]
    client.delete(f"contacts/{mine.contact.pk}")
    client.delete(f"customers/{mine.customer.pk}")
    response = client.post(f"contacts/{mine.contact.pk}/restore")
    assert response.status_code == 409
    assert response.json()["code"] == "parent_deleted"


def test_restoring_a_record_that_is_not_deleted_is_404(org, records, api):
    response = api(org.rep_a).post(f"leads/{records['rep_a'].lead.pk}/restore")
    assert response.status_code == 404
