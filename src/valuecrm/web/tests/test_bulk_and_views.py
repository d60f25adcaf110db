"""Bulk actions and saved views on the lead and customer lists."""

from valuecrm.assignment.models import LeadAssignment
from valuecrm.crm.models import Customer, Lead, Tag
from valuecrm.focus.models import SavedView
from valuecrm.pool.models import Pool


def test_a_manager_assigns_selected_leads_with_a_reason(records, org, client):
    leads = [records["rep_a"].lead.pk, records["rep_a2"].lead.pk]
    client.force_login(org.manager_a)
    response = client.post("/leads/bulk/", {"action": "assign", "ids": leads,
                                            "owner": org.rep_a2.pk, "reason": "休假交接",
                                            "next": "/leads/?status=new"})
    assert response.status_code == 302 and response["Location"] == "/leads/?status=new"
    assert Lead.objects.get(pk=leads[0]).owner == org.rep_a2
    assignment = LeadAssignment.objects.get(lead_id=leads[0])
    assert assignment.reason == "休假交接" and assignment.actor == org.manager_a
    messages = [str(m) for m in client.get("/leads/").context["messages"]]
    # rep_a2's own lead already belonged to them: refused, with the action's reason.
    assert "Done for 1 records." in messages
    assert any("already belongs to this person" in m for m in messages)


def test_bulk_assign_needs_an_owner_and_a_reason(records, org, client):
    client.force_login(org.manager_a)
    client.post("/leads/bulk/", {"action": "assign", "ids": [records["rep_a"].lead.pk],
                                 "owner": org.rep_a2.pk, "reason": ""})
    assert Lead.objects.get(pk=records["rep_a"].lead.pk).owner == org.rep_a
    messages = [str(m) for m in client.get("/leads/").context["messages"]]
    assert any("Say why" in m for m in messages)


def test_bulk_ignores_rows_outside_my_scope(records, org, client):
    tag = Tag.objects.create(name="重点")
    client.force_login(org.rep_a)
    client.post("/customers/bulk/", {"action": "tag", "tag": tag.pk, "ids": [
        records["rep_a"].customer.pk, records["rep_b"].customer.pk]})
    assert list(records["rep_a"].customer.tags.all()) == [tag]
    assert not records["rep_b"].customer.tags.exists()


def test_move_selected_customers_to_the_pool(records, org, client):
    pool = Pool.objects.create(name="华东公海", unit=org.east)
    client.force_login(org.rep_a)
    client.post("/customers/bulk/", {"action": "release", "reason": "长期无响应",
                                     "ids": [records["rep_a"].customer.pk]})
    customer = Customer.objects.get(pk=records["rep_a"].customer.pk)
    assert customer.owner is None and customer.pool == pool


def test_export_the_selected_rows(records, org, client):
    client.force_login(org.manager_a)
    response = client.post("/leads/bulk/", {"action": "export",
                                            "ids": [records["rep_a2"].lead.pk]})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "rep_a2 线索公司" in body and "rep_a 线索公司" not in body


def test_save_a_view_then_open_and_delete_it(records, org, client):
    client.force_login(org.rep_a)
    response = client.post("/views/leads/save/", {"name": "新线索",
                                                  "query": "status=new&q=线索&sort=-name"})
    view = SavedView.objects.get()
    assert view.filters == {"status": "new", "q": "线索"} and view.ordering == "-name"
    assert response["Location"].startswith("/leads/?") and f"view={view.pk}" in response[
        "Location"]
    listing = client.get(response["Location"])
    assert listing.context["saved_views"][0]["current"]
    assert [r.pk for r in listing.context["rows"]] == [records["rep_a"].lead.pk]
    client.force_login(org.rep_b)  # a personal view is nobody else's
    assert client.get("/leads/").context["saved_views"] == []
    assert client.post(f"/views/{view.pk}/delete/").status_code == 404
    client.force_login(org.rep_a)
    client.post(f"/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_a_shared_view_reaches_the_team_and_names_are_unique(org, client):
    client.force_login(org.rep_a)
    client.post("/views/customers/save/", {"name": "大客户", "query": "size_tier=large",
                                           "share": "on"})
    again = client.post("/views/customers/save/", {"name": "大客户", "query": ""})
    assert again["Location"] == "/customers/?"
    assert any("already have" in str(m) for m in client.get("/customers/").context["messages"])
    client.force_login(org.rep_a2)
    [item] = client.get("/customers/").context["saved_views"]
    assert item["view"].name == "大客户" and not item["mine"]
    assert client.post(f"/views/{item['view'].pk}/delete/").status_code == 403
