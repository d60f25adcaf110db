"""Reassigning by hand records who, when and why; first contact is measured from
assignment."""

from django.utils import timezone

from valuecrm.assignment.models import LeadAssignment
from valuecrm.crm.actions import log_activity


def test_a_manager_reassigns_within_the_team_with_a_reason(org, records, api):
    lead = records["rep_a"].lead
    client = api(org.manager_a)
    response = client.post(f"leads/{lead.pk}/reassign",
                           {"owner": org.rep_a2.pk, "reason": "rep_a 休假"})
    assert response.status_code == 200
    assert response.json()["owner"] == org.rep_a2.pk
    log = client.get(f"leads/{lead.pk}/assignments").json()
    assert [(e["from_owner"], e["to_owner"], e["reason"], e["actor"]) for e in log] == [
        (org.rep_a.pk, org.rep_a2.pk, "rep_a 休假", org.manager_a.pk)
    ]
    assert client.get(f"leads/{lead.pk}/history").json()[-1]["reason"] == "rep_a 休假"


def test_reassigning_needs_a_reason_and_a_person_in_scope(org, records, api):
    lead = records["rep_a"].lead
    assert api(org.manager_a).post(
        f"leads/{lead.pk}/reassign", {"owner": org.rep_a2.pk, "reason": ""}
    ).status_code == 422
    outside = api(org.manager_a).post(
        f"leads/{lead.pk}/reassign", {"owner": org.rep_c.pk, "reason": "调岗"}
    )
    assert outside.status_code == 422 and "owner" in outside.json()["errors"]
    assert not LeadAssignment.objects.exists()


def test_reassignment_before_first_contact_restarts_the_clock(org, records, api):
    lead = records["rep_a"].lead
    before = lead.assigned_at
    api(org.manager_a).post(f"leads/{lead.pk}/reassign",
                            {"owner": org.rep_a2.pk, "reason": "重新分配"})
    lead.refresh_from_db()
    assert lead.assigned_at > before


def test_first_activity_marks_first_contact_and_starts_work(org, records):
    lead = records["rep_a"].lead
    called_at = timezone.now()
    log_activity(actor=org.rep_a, data={"kind": "call", "lead_id": lead.pk,
                                        "started_at": called_at, "duration_seconds": 95})
    log_activity(actor=org.rep_a, data={"kind": "call", "lead_id": lead.pk,
                                        "started_at": timezone.now(), "duration_seconds": 30})
    lead.refresh_from_db()
    assert lead.first_contact_at == called_at
    assert lead.status == "working"
    assert lead.first_contact_at >= lead.assigned_at


def test_activities_through_the_api_mark_first_contact_too(org, records, api):
    lead = records["rep_b"].lead
    response = api(org.rep_b).post("activities", {
        "kind": "visit", "lead": lead.pk, "started_at": timezone.now().isoformat(),
        "duration_seconds": 1800,
    })
    assert response.status_code == 201, response.content
    lead.refresh_from_db()
    assert lead.first_contact_at is not None


def test_rules_are_managed_by_admins_only(org, api):
    payload = {"name": "新规则", "unit": org.team_a.pk}
    assert api(org.manager_a).post("assignment-rules", payload).status_code == 403
    created = api(org.admin).post("assignment-rules", payload)
    assert created.status_code == 201
    rule_id = created.json()["id"]
    members = api(org.admin).put(f"assignment-rules/{rule_id}/members",
                                 [{"user": org.rep_a.pk, "weight": 3}])
    assert members.status_code == 200
    assert members.json()["members"][0]["weight"] == 3
