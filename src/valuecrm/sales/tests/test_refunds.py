"""Refunds: a record against a payment, waiting for the refund approval flow where one
applies, and lowering the collected amount in the payment metrics once refunded."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from valuecrm.approvals.actions import StepInput, create_flow
from valuecrm.approvals.models import ApprovalRequest
from valuecrm.metrics.queries import metric_values
from valuecrm.sales.models import Payment, Refund

TODAY = date.today()


def total(user, key, start=TODAY - timedelta(days=30), end=TODAY):
    rows = metric_values(user=user, key=key, start=start, end=end)["totals"]
    return Decimal(str(rows[0]["value"])) if rows and rows[0]["value"] is not None else None


@pytest.fixture
def refund_flow(org):
    """Refunds from 2,000 need the administrator's approval."""
    return create_flow(actor=org.admin, data={"name": "退款审批", "subject": "refund",
                                              "min_amount": Decimal("2000")},
                       steps=[StepInput(name="财务", approver_id=org.admin.pk)])


def test_a_refund_no_flow_covers_is_refunded_at_once_and_nets_the_metrics(org, records, api,
                                                                        refund_flow):
    payment = records["rep_a"].payment  # 4,000 received today on a plan of 10,000 due
    assert total(org.rep_a, "payments_received") == 4000
    assert total(org.rep_a, "payment_collection_rate") == Decimal("0.4")
    response = api(org.rep_a).post("refunds", {"payment": payment.pk, "amount": "1000",
                                               "reason": "少发一台"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "refunded" and body["refunded_date"] == TODAY.isoformat()
    assert not ApprovalRequest.objects.exists()
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("1000.00")
    assert api(org.rep_a).get(f"payments/{payment.pk}").json()["refunded_amount"] == "1000.00"
    assert total(org.rep_a, "payments_received") == 3000
    assert total(org.rep_a, "payment_collection_rate") == Decimal("0.3")
    assert total(org.rep_a, "refunds_paid") == 1000
    # Net money stays exact: a Decimal, not a float rounded on the way.
    net = metric_values(user=org.rep_a, key="payments_received", start=TODAY - timedelta(days=30),
                        end=TODAY)["totals"][0]["value"]
    assert isinstance(net, Decimal) and net == Decimal("3000.00")
    # The whole company: 4 x 4,000 received, one refund of 1,000.
    assert total(org.admin, "payments_received") == 15000
    assert total(org.admin, "refunds_paid") == 1000


def test_a_refund_waits_for_its_approval(org, records, api, refund_flow):
    payment = records["rep_a"].payment
    created = api(org.rep_a).post("refunds", {"payment": payment.pk, "amount": "2500",
                                              "reason": "质量问题"}).json()
    assert created["status"] == "pending_approval"
    request = ApprovalRequest.objects.get(refund_id=created["id"])
    assert request.subject == "refund" and request.amount == Decimal("2500.00")
    assert total(org.rep_a, "payments_received") == 4000  # not yet paid back
    # What is waiting counts against what can still be refunded.
    more = api(org.rep_a).post("refunds", {"payment": payment.pk, "amount": "1600",
                                           "reason": "再退"})
    assert more.status_code == 422 and "amount" in more.json()["errors"]

    decided = api(org.admin).post(f"approvals/{request.pk}/approve", {"comment": "同意"})
    assert decided.status_code == 200 and decided.json()["refund_id"] == created["id"]
    refund = Refund.objects.get(pk=created["id"])
    assert refund.status == Refund.Status.REFUNDED and refund.refunded_date == TODAY
    assert total(org.rep_a, "payments_received") == 1500
    assert total(org.rep_a, "payment_collection_rate") == Decimal("0.15")
    assert refund.history.first().history_change_reason.startswith("approval")
    # The amount cannot drop below what was paid back.
    response = api(org.rep_a).patch(f"payments/{payment.pk}", {"amount": "2000"})
    assert response.status_code == 422


def test_a_rejected_refund_changes_nothing_and_frees_the_amount(org, records, api,
                                                               refund_flow):
    payment = records["rep_a"].payment
    created = api(org.rep_a).post("refunds", {"payment": payment.pk, "amount": "4000",
                                              "reason": "全额退"}).json()
    request = ApprovalRequest.objects.get(refund_id=created["id"])
    api(org.admin).post(f"approvals/{request.pk}/reject", {"comment": "不符合政策"})
    assert Refund.objects.get(pk=created["id"]).status == Refund.Status.REJECTED
    assert Payment.objects.get(pk=payment.pk).refunded_amount == 0
    assert total(org.rep_a, "payments_received") == 4000
    again = api(org.rep_a).post("refunds", {"payment": payment.pk, "amount": "1000",
                                            "reason": "部分退"})
    assert again.status_code == 201 and again.json()["status"] == "refunded"


def test_refunds_are_scoped_like_their_contract(org, records, api):
    payment = records["rep_b"].payment
    refused = api(org.rep_a).post("refunds", {"payment": payment.pk, "amount": "10",
                                              "reason": "越权"})
    assert refused.status_code == 404
    assert api(org.analyst).post("refunds", {"payment": payment.pk, "amount": "10",
                                             "reason": "x"}).status_code == 403
    mine = api(org.rep_b).post("refunds", {"payment": payment.pk, "amount": "10",
                                           "reason": "补差"}).json()
    assert api(org.rep_a).get(f"refunds/{mine['id']}").status_code == 404
    assert api(org.rep_a).get("refunds").json()["count"] == 0
    assert [r["id"] for r in api(org.manager_a).get("refunds").json()["items"]] == []
    assert [r["id"] for r in api(org.head_east).get("refunds").json()["items"]] == [mine["id"]]
    assert not Refund.objects.filter(contract=records["rep_a"].contract).exists()


def test_the_cli_requests_a_refund(org, records, refund_flow):
    out = StringIO()
    call_command("approvals", "refund", str(records["rep_a"].payment.pk), "--amount", "3000",
                 "--reason", "退货", "--as", "rep_a", stdout=out)
    refund = Refund.objects.get()
    assert out.getvalue().strip() == f"refund {refund.pk}: {refund.get_status_display()}"
    assert refund.status == Refund.Status.PENDING_APPROVAL and refund.requested_by == org.rep_a
