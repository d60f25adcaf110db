"""Journeys through the delivery, approvals and process pages in a real browser: a manager
approves from the inbox, an analyst's process view draws its chart (also after an HTMX
swap), and a rep moves an order on its page and sees the stage timeline grow."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from valuecrm.approvals.actions import StepInput, create_flow, submit_for_approval
from valuecrm.approvals.models import ApprovalStep
from valuecrm.delivery.actions import create_order
from valuecrm.delivery.models import Order, OrderStage
from valuecrm.delivery.tests.conftest import walk

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_manager_approves_from_the_inbox(records, org, open_session):
    create_flow(actor=org.admin, data={"name": "大额合同审批", "min_amount": "30000"},
                steps=[StepInput(name="经理审批", approver_role="manager", sla_hours=4)])
    request = submit_for_approval(actor=org.rep_a, contract_id=records["rep_a"].contract.pk)
    s = open_session(locale="en-US")
    s.sign_in("manager_a")
    s.go("/approvals/")
    page = s.page
    row = page.locator("#my-approvals tbody tr").first
    expect(row).to_contain_text("经理审批")
    s.shot("30-approvals-inbox")
    row.locator("input[name=comment]").fill("价格合理，同意")
    row.locator("button[value=approve]").click()
    expect(page.locator(".messages")).to_contain_text("Approved")
    expect(page.locator("#my-approvals")).to_contain_text("Nothing waits for your decision")
    step = ApprovalStep.objects.get(request=request)
    assert (step.status, step.comment, step.decided_by_id) == (
        "approved", "价格合理，同意", org.manager_a.pk)
    assert s.errors == []


def _orders(org, records):
    stages = {st.code: st for st in OrderStage.objects.all()}
    start = timezone.now() - timedelta(days=40)
    for n, days in enumerate(([1, 2, 9, 3, 1], [1, 3, 12, 2, 1], [2, 1, 4])):
        order = create_order(actor=org.rep_a, data={
            "number": f"SO-{n}", "contract_id": records["rep_a"].contract.pk,
            "quantity": Decimal("2"), "placed_at": start + timedelta(days=n)})
        walk(org.rep_a, order, stages, days)
    return stages


def test_the_process_view_draws_its_chart(records, org, open_session):
    _orders(org, records)
    s = open_session(locale="en-US")
    s.sign_in("analyst")
    s.go("/process/?source=orders&start=2000-01-01")
    page = s.page
    expect(page.locator("#process-chart canvas")).to_have_count(1)
    expect(page.locator("#process-results")).to_contain_text("Bottlenecks")
    expect(page.locator("#process-results")).to_contain_text("Procurement")
    # The form swaps the results with HTMX; the swapped chart draws too.
    page.fill("#id_target_days", "10")
    page.click("main form.filters button[type=submit]")
    expect(page.locator("#process-results")).to_contain_text("Cases over the target of 10")
    expect(page.locator("#process-chart canvas")).to_have_count(1)
    assert re.search(r"target_days=10", page.url)
    s.shot("31-process-view")
    assert s.errors == []


def test_a_rep_moves_an_order_on_its_page(records, org, open_session):
    stages = _orders(org, records)
    order = Order.objects.get(number="SO-2")  # in production
    s = open_session(locale="en-US")
    s.sign_in("rep_a")
    s.go("/orders/")
    page = s.page
    page.click("text=SO-2")
    expect(page.locator("h1")).to_contain_text("SO-2")
    timeline = page.locator("#stage-timeline li")
    expect(timeline).to_have_count(4)
    page.select_option("#id_stage", str(stages["procurement"].pk))
    page.fill("#id_note", "缺料返工")
    page.click("#order-move button[type=submit]")
    expect(timeline).to_have_count(5)
    expect(timeline.last).to_contain_text("Procurement")
    expect(timeline.last).to_contain_text("Rework")
    expect(timeline.last).to_contain_text("缺料返工")
    s.shot("32-order-detail")
    order.refresh_from_db()
    assert order.stage == stages["procurement"]
    assert s.errors == []


def test_the_new_pages_fit_a_phone(records, org, open_session):
    _orders(org, records)
    order = Order.objects.get(number="SO-0")
    s = open_session(phone=True)
    s.sign_in("manager_a")
    for n, path in enumerate(["/orders/", f"/orders/{order.pk}/", "/suppliers/",
                              "/approvals/", "/process/?source=orders&start=2000-01-01",
                              "/quality/?monitor=tracking_number_filled", "/usage/",
                              "/initiatives/"]):
        s.go(path)
        width = s.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
        s.shot(f"33-phone-{n}")
    assert s.errors == []
