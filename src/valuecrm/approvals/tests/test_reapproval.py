"""An active contract whose amount or discount grows beyond what was approved goes back to
pending approval for the new terms; decreases and other edits keep it active."""

from decimal import Decimal

import pytest

from valuecrm.approvals.actions import StepInput, create_flow
from valuecrm.approvals.models import ApprovalRequest
from valuecrm.sales.models import Contract


@pytest.fixture
def flow(org):
    return create_flow(actor=org.admin, data={"name": "大额合同审批", "min_amount": "30000"},
                       steps=[StepInput(name="经理审批", approver_role="manager"),
                              StepInput(name="总监审批", approver_role="department_head")])


def approve_all(api, org, request_id):
    for person in (org.manager_a, org.head_east):
        response = api(person).post(f"approvals/{request_id}/approve", {})
        assert response.status_code == 200, response.content
    return response.json()


def lines(product, quantity, discount="0"):
    return [{"product": product.pk, "quantity": quantity, "discount_percent": discount}]


@pytest.fixture
def active(org, records, flow, api):
    """rep_a's contract (2 x 19,999.90) submitted, approved and active."""
    contract = records["rep_a"].contract
    api(org.rep_a).patch(f"contracts/{contract.pk}", {"status": "pending_approval"})
    approve_all(api, org, ApprovalRequest.objects.get(contract=contract).pk)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    return contract


def test_a_larger_amount_goes_back_to_approval_and_activates_again(org, active, product, api):
    signed = active.signed_date
    response = api(org.rep_a).patch(f"contracts/{active.pk}", {"lines": lines(product, "3")})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pending_approval"
    assert response.json()["total_amount"] == "59999.70"
    request = ApprovalRequest.objects.get(contract=active, status="pending")
    assert request.amount == Decimal("59999.70") and request.requested_by == org.rep_a
    assert api(org.rep_a).patch(f"contracts/{active.pk}",
                                {"status": "active"}).status_code == 409

    assert approve_all(api, org, request.pk)["status"] == "approved"
    active.refresh_from_db()
    assert active.status == Contract.Status.ACTIVE and active.signed_date == signed


def test_a_larger_discount_needs_approval_too(org, records, product, api):
    flow = create_flow(actor=org.admin, data={"name": "折扣审批", "min_discount_percent": "10",
                                              "priority": 1},
                       steps=[StepInput(name="经理审批", approver_role="manager")])
    contract = records["rep_a"].contract
    response = api(org.rep_a).patch(f"contracts/{contract.pk}", {
        "status": "active", "signed_date": "2025-05-01"})
    assert response.json()["status"] == "active" and flow.requests.count() == 0
    response = api(org.rep_a).patch(f"contracts/{contract.pk}",
                                    {"lines": lines(product, "2", "15")})
    assert response.json()["status"] == "pending_approval"
    assert flow.requests.get().discount_percent == Decimal("15.00")


def test_a_smaller_amount_or_another_edit_keeps_it_active(org, active, product, api):
    smaller = api(org.rep_a).patch(f"contracts/{active.pk}", {"lines": lines(product, "1")})
    assert smaller.json()["status"] == "active"
    renamed = api(org.rep_a).patch(f"contracts/{active.pk}", {"title": "续约补充协议"})
    assert renamed.json()["status"] == "active"
    # Back up to the approved amount: the earlier approval still covers it.
    back = api(org.rep_a).patch(f"contracts/{active.pk}", {"lines": lines(product, "2")})
    assert back.json()["status"] == "active"
    assert ApprovalRequest.objects.filter(contract=active).count() == 1


def test_a_rejected_increase_leaves_a_draft_that_the_approved_terms_reactivate(
        org, active, product, api):
    api(org.rep_a).patch(f"contracts/{active.pk}", {"lines": lines(product, "5")})
    request = ApprovalRequest.objects.get(contract=active, status="pending")
    api(org.manager_a).post(f"approvals/{request.pk}/reject", {"comment": "金额过大"})
    active.refresh_from_db()
    assert active.status == Contract.Status.DRAFT
    restored = api(org.rep_a).patch(f"contracts/{active.pk}", {
        "lines": lines(product, "2"), "status": "active"})
    assert restored.status_code == 200 and restored.json()["status"] == "active"
