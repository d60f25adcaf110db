"""Approval flows: a contract needing approval cannot become active until its sequential
steps are approved; rejection, SLA reminders (once), stored times, inbox and event log."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from valuecrm.approvals.actions import StepInput, create_flow, decide, remind_overdue
from valuecrm.approvals.models import ApprovalRequest, ApprovalStep
from valuecrm.approvals.queries import approval_event_log, inbox
from valuecrm.metrics.queries import metric_values
from valuecrm.notifications.models import Notification
from valuecrm.sales.models import Contract
from valuecrm.webhooks.models import Delivery, Subscription


@pytest.fixture
def flow(org):
    """Contracts from 30,000 (the fixture's are 39,999.80): the team manager, then the
    department head."""
    return create_flow(actor=org.admin, data={"name": "大额合同审批", "min_amount": "30000"},
                       steps=[StepInput(name="经理审批", approver_role="manager", sla_hours=4),
                              StepInput(name="总监审批", approver_role="department_head")])


@pytest.fixture
def hooks(db):
    return Subscription.objects.create(name="all", url="https://example.com/hook",
                                       secret="s", events=["*"])


def contract_of(records, rep="rep_a") -> Contract:
    return records[rep].contract


def submit(api, org, records):
    contract = contract_of(records)
    response = api(org.rep_a).patch(f"contracts/{contract.pk}",
                                    {"status": "pending_approval"})
    assert response.status_code == 200, response.content
    return ApprovalRequest.objects.get(contract=contract)


def test_activation_is_refused_until_approved(org, records, flow, api):
    contract = contract_of(records)
    response = api(org.rep_a).patch(f"contracts/{contract.pk}", {
        "status": "active", "signed_date": "2025-05-01"})
    assert response.status_code == 409
    assert response.json()["code"] == "approval_required"
    assert "大额合同审批" in response.json()["detail"]
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT and contract.signed_date is None


def test_a_contract_below_every_threshold_activates_directly(org, records, api):
    contract = contract_of(records)
    response = api(org.rep_a).patch(f"contracts/{contract.pk}", {
        "status": "active", "signed_date": "2025-05-01"})
    assert response.status_code == 200
    assert not ApprovalRequest.objects.exists()


def test_sequential_steps_then_activation(org, records, flow, api, hooks):
    request = submit(api, org, records)
    first, second = request.steps.order_by("position")
    assert (first.status, second.status) == ("pending", "waiting")
    assert first.approver_unit == org.team_a and second.approver_unit == org.east
    assert Notification.objects.filter(user=org.manager_a, kind="approval").count() == 1
    assert [s.request_id for s in inbox(org.manager_a)] == [request.pk]
    assert not inbox(org.head_east).exists() and not inbox(org.rep_b).exists()

    # The owner sees the request but does not decide it; the next approver waits in turn.
    assert api(org.rep_a).post(f"approvals/{request.pk}/approve", {}).status_code == 403
    assert api(org.head_east).post(f"approvals/{request.pk}/approve", {}).status_code == 403
    assert api(org.rep_b).get(f"approvals/{request.pk}").status_code == 404

    assert api(org.manager_a).get(f"approvals/{request.pk}").status_code == 200
    body = api(org.manager_a).post(f"approvals/{request.pk}/approve", {"comment": "ok"}).json()
    assert [s["status"] for s in body["steps"]] == ["approved", "pending"]
    assert body["status"] == "pending"
    assert [s.request_id for s in inbox(org.head_east)] == [request.pk]

    body = api(org.head_east).post(f"approvals/{request.pk}/approve", {}).json()
    assert body["status"] == "approved" and body["cycle_seconds"] is not None
    contract = contract_of(records)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    assert contract.signed_date == timezone.localdate()
    first.refresh_from_db()
    assert first.waiting_seconds is not None and first.handling_seconds is not None
    assert first.decided_by == org.manager_a and first.comment == "ok"
    events = list(Delivery.objects.values_list("event", flat=True))
    assert "approval.requested" in events and "approval.approved" in events


def test_rejection_needs_a_comment_and_ends_the_request(org, records, flow, api, hooks):
    request = submit(api, org, records)
    response = api(org.manager_a).post(f"approvals/{request.pk}/reject", {"comment": " "})
    assert response.status_code == 422 and "comment" in response.json()["errors"]
    body = api(org.manager_a).post(f"approvals/{request.pk}/reject",
                                   {"comment": "折扣过大"}).json()
    assert body["status"] == "rejected"
    assert [s["status"] for s in body["steps"]] == ["rejected", "skipped"]
    contract = contract_of(records)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT
    assert Delivery.objects.filter(event="approval.rejected").exists()
    again = api(org.head_east).post(f"approvals/{request.pk}/approve", {})
    assert again.status_code == 409


def test_sla_reminder_is_sent_once(org, records, flow, api):
    request = submit(api, org, records)
    step = request.steps.get(position=1)
    assert remind_overdue(now=step.activated_at + timedelta(hours=3)) == 0
    later = step.activated_at + timedelta(hours=5)
    assert remind_overdue(now=later) == 1
    assert remind_overdue(now=later + timedelta(hours=5)) == 0
    out = StringIO()
    call_command("approvals", "remind", stdout=out)
    assert "0 steps" in out.getvalue()
    reminders = Notification.objects.filter(user=org.manager_a,
                                            dedupe_key=f"approval-sla:{step.pk}")
    assert reminders.count() == 1


def test_cycle_time_is_a_metric_and_approvals_are_an_event_log(org, records, flow, api):
    request = submit(api, org, records)
    start = timezone.now() - timedelta(hours=30)
    ApprovalRequest.objects.filter(pk=request.pk).update(submitted_at=start)
    ApprovalStep.objects.filter(request=request, position=1).update(activated_at=start)
    decide(actor=org.manager_a, request_id=request.pk, approve=True)
    decide(actor=org.head_east, request_id=request.pk, approve=True)
    request.refresh_from_db()
    assert request.cycle_seconds == pytest.approx(30 * 3600, abs=5)
    today = timezone.localdate()
    [row] = metric_values(user=org.admin, key="approval_cycle_hours", start=today,
                          end=today)["totals"]
    assert float(row["value"]) == pytest.approx(request.cycle_seconds / 3600)
    waiting = metric_values(user=org.admin, key="approval_step_waiting_hours", start=today,
                            end=today)["totals"][0]["value"]
    assert float(waiting) == pytest.approx(15, abs=0.01)  # median of 30 h and ~0 h

    log = list(approval_event_log(org.manager_a))
    assert [a for _c, a, _t, _r in log] == [
        "submitted", "经理审批 reached", "经理审批 approved", "总监审批 reached",
        "总监审批 approved"]
    assert {c for c, *_ in log} == {f"approval-{request.pk}"}
    assert log[2][3] == "manager_a"
    assert [t for _c, _a, t, _r in log] == sorted(t for _c, _a, t, _r in log)
    assert list(approval_event_log(org.rep_b)) == []
    analysis = api(org.manager_a).get("process/sources/approvals/analysis").json()
    assert (analysis["summary"]["cases"], analysis["summary"]["events"]) == (1, 5)


def test_flows_are_configured_by_administrators(org, api):
    body = {"name": "退款审批", "subject": "refund", "min_amount": "1000",
            "steps": [{"name": "财务", "approver_id": org.admin.pk}]}
    assert api(org.manager_a).post("approval-flows", body).status_code == 403
    bad = api(org.admin).post("approval-flows", {**body, "steps": [{"name": "x"}]})
    assert bad.status_code == 422 and "steps.0.__all__" in bad.json()["errors"]
    assert api(org.admin).post("approval-flows", body).status_code == 201
    assert api(org.rep_a).get("approval-flows").json()[0]["steps"][0]["approver_id"] == org.admin.pk


def test_refund_requests_go_to_the_named_approver(org, records, api):
    create_flow(actor=org.admin, data={"name": "退款审批", "subject": "refund",
                                       "min_amount": Decimal("1000")},
                steps=[StepInput(name="财务", approver_id=org.admin.pk)])
    contract = contract_of(records)
    small = api(org.rep_a).post("approvals", {"contract_id": contract.pk, "subject": "refund",
                                              "amount": "500"})
    assert small.status_code == 409 and small.json()["code"] == "approval_not_needed"
    created = api(org.rep_a).post("approvals", {"contract_id": contract.pk,
                                                "subject": "refund", "amount": "5000"})
    assert created.status_code == 201
    assert [s.request_id for s in inbox(org.admin)] == [created.json()["id"]]
    other = api(org.rep_b).post("approvals", {"contract_id": contract.pk,
                                              "subject": "refund", "amount": "5000"})
    assert other.status_code == 404
