"""The approvals inbox: the approver sees and decides their pending steps (through
approvals.actions.decide), the requester sees what they submitted, steps past their SLA
are listed, and nobody reaches a request outside their scope."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from valuecrm.approvals.actions import StepInput, create_flow, submit_for_approval
from valuecrm.approvals.models import ApprovalRequest, ApprovalStep
from valuecrm.sales.models import Contract


@pytest.fixture
def request_a(org, records):
    create_flow(actor=org.admin, data={"name": "大额合同审批", "min_amount": "30000"},
                steps=[StepInput(name="经理审批", approver_role="manager", sla_hours=4),
                       StepInput(name="总监审批", approver_role="department_head")])
    return submit_for_approval(actor=org.rep_a, contract_id=records["rep_a"].contract.pk)


def test_the_approver_sees_the_step_and_approves_it(client, org, request_a):
    client.force_login(org.manager_a)
    page = client.get(reverse("web:approval_inbox")).content.decode()
    assert "经理审批" in page and records_number(request_a) in page
    response = client.post(reverse("web:approval_decide", args=[request_a.pk]),
                           {"decision": "approve", "comment": "同意"})
    assert response.status_code == 302
    step = request_a.steps.get(position=1)
    assert (step.status, step.comment, step.decided_by) == ("approved", "同意", org.manager_a)
    assert step.waiting_seconds is not None
    # The next step waits for the department head, and left the manager's inbox.
    assert "经理审批" not in client.get(reverse("web:approval_inbox")).content.decode()
    client.force_login(org.head_east)
    assert "总监审批" in client.get(reverse("web:approval_inbox")).content.decode()


def records_number(request) -> str:
    return request.contract.number


def test_the_last_approval_activates_the_contract(client, org, request_a):
    for person in (org.manager_a, org.head_east):
        client.force_login(person)
        client.post(reverse("web:approval_decide", args=[request_a.pk]),
                    {"decision": "approve"})
    request_a.refresh_from_db()
    assert request_a.status == ApprovalRequest.Status.APPROVED
    assert request_a.contract.status == Contract.Status.ACTIVE


def test_rejecting_needs_a_comment(client, org, request_a):
    client.force_login(org.manager_a)
    url = reverse("web:approval_decide", args=[request_a.pk])
    response = client.post(url, {"decision": "reject"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'id="decision"' in response.content.decode()
    assert request_a.steps.get(position=1).status == ApprovalStep.Status.PENDING
    response = client.post(url, {"decision": "reject", "comment": "价格太低"},
                           HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("web:approval_inbox")
    request_a.refresh_from_db()
    assert request_a.status == ApprovalRequest.Status.REJECTED


def test_only_the_approver_decides_and_others_get_404(client, org, request_a):
    url = reverse("web:approval_decide", args=[request_a.pk])
    client.force_login(org.rep_a)  # the owner reads it but does not decide
    assert client.get(reverse("web:approval_detail", args=[request_a.pk])).status_code == 200
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(org.rep_b)
    assert client.get(reverse("web:approval_detail", args=[request_a.pk])).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert request_a.steps.get(position=1).status == ApprovalStep.Status.PENDING


def test_the_requester_sees_what_they_submitted(client, org, request_a):
    client.force_login(org.rep_a)
    page = client.get(reverse("web:approval_inbox")).content.decode()
    mine = page[page.index("Submitted by me"):]
    assert reverse("web:approval_detail", args=[request_a.pk]) in mine
    client.force_login(org.rep_b)
    page = client.get(reverse("web:approval_inbox")).content.decode()
    assert reverse("web:approval_detail", args=[request_a.pk]) not in page


def test_steps_past_their_sla_are_listed_as_overdue(client, org, request_a):
    client.force_login(org.manager_a)
    page = client.get(reverse("web:approval_inbox")).content.decode()
    overdue = page[page.index("Overdue past the SLA"):page.index("Submitted by me")]
    assert "No step is waiting past its SLA." in overdue
    request_a.steps.filter(position=1).update(
        activated_at=timezone.now() - timedelta(hours=5))
    page = client.get(reverse("web:approval_inbox")).content.decode()
    overdue = page[page.index("Overdue past the SLA"):page.index("Submitted by me")]
    assert "经理审批" in overdue
    client.force_login(org.rep_c)  # another department: not theirs to see
    page = client.get(reverse("web:approval_inbox")).content.decode()
    assert "经理审批" not in page
