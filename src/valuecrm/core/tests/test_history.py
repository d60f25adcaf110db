"""Every change is kept with who made it and which fields went from what to what."""

from valuecrm.crm.models import Lead


def test_history_records_a_field_change_with_its_actor(org, records, api):
    lead = records["rep_a"].lead
    client = api(org.manager_a)
    assert client.patch(f"leads/{lead.pk}", {"region": "浦东新区"}).status_code == 200

    entries = client.get(f"leads/{lead.pk}/history").json()
    assert [e["action"] for e in entries] == ["created", "changed"]
    created, changed = entries
    assert created["actor_id"] == org.rep_a.pk
    assert changed["actor_id"] == org.manager_a.pk
    assert {"field": "region", "old": "", "new": "浦东新区"} in changed["changes"]


def test_history_is_kept_in_the_database_not_only_in_the_api(org, records, api):
    lead = records["rep_a"].lead
    api(org.rep_a).patch(f"leads/{lead.pk}", {"status": "working"})
    latest = Lead.history.filter(id=lead.pk).latest("history_date")
    assert latest.history_user == org.rep_a
    assert latest.status == "working"


def test_deletion_and_restore_appear_in_history(org, records, api):
    lead = records["rep_a"].lead
    client = api(org.rep_a)
    client.delete(f"leads/{lead.pk}")
    client.post(f"leads/{lead.pk}/restore")
    entries = client.get(f"leads/{lead.pk}/history").json()
    reasons = [e["reason"] for e in entries]
    assert reasons[-2:] == ["deleted", "restored"]
    assert any(c["field"] == "deleted_at" for c in entries[-2]["changes"])
