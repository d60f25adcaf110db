"""What people do in the pages, in a real browser: sign in, create and convert a lead, move
the deal on the kanban, log a call; switch language; read the dashboard; hit another rep's
record."""

import re

import pytest
from playwright.sync_api import expect

from valuecrm.crm.models import Activity, Lead
from valuecrm.sales.models import OpportunityStageChange, Stage

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_rep_creates_converts_moves_and_logs_a_call(records, org, open_session):
    s = open_session()
    s.sign_in("rep_a")
    s.shot("01-rep-workbench")
    page = s.page

    # A lead without a name is refused field by field, without leaving the page.
    s.go("/leads/new/")
    page.click("main button[type=submit]")
    expect(page.locator("#id_name_error")).to_be_visible()
    s.shot("02-lead-form-errors")
    page.fill("#id_name", "陈晓")
    page.fill("#id_company_name", "蓝海物流有限公司")
    page.fill("#id_phone", "13700001111")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    lead = Lead.objects.get(company_name="蓝海物流有限公司")
    assert lead.owner_id == org.rep_a.pk

    # Convert it, with an opportunity.
    page.click(f"a[href='/leads/{lead.pk}/convert/']")
    page.fill("#id_opportunity_name", "蓝海物流 CRM 项目")
    page.fill("#id_opportunity_amount", "120000")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/opportunities/\d+/$"))
    lead.refresh_from_db()
    deal = lead.converted_opportunity
    assert lead.status == Lead.Status.CONVERTED and deal is not None
    s.shot("03-opportunity")

    # Drag it to the next stage on the kanban.
    target = Stage.objects.filter(outcome="open").exclude(pk=deal.stage_id).order_by("position")[0]
    s.go("/kanban/")
    card = page.locator(f".kanban-card[data-id='{deal.pk}']")
    column = page.locator(f".kanban-cards[data-stage='{target.pk}']")
    card.drag_to(column)
    expect(page.locator("#kanban-status")).to_contain_text(target.name)
    expect(column.locator(f".kanban-card[data-id='{deal.pk}']")).to_be_visible()
    page.wait_for_timeout(400)  # Sortable's drop animation, for the screenshot
    s.shot("04-kanban-moved")
    deal.refresh_from_db()
    assert deal.stage_id == target.pk
    assert OpportunityStageChange.objects.filter(opportunity=deal, to_stage=target,
                                                 actor=org.rep_a).exists()

    # Log a call on the opportunity; it shows on the timeline.
    s.go(f"/opportunities/{deal.pk}/")
    page.click(f"a[href='/opportunity/{deal.pk}/activities/new/?kind=call']")
    page.fill("#id_duration_minutes", "15")
    page.fill("#id_subject", "确认实施范围")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(rf"/opportunities/{deal.pk}/$"))
    expect(page.locator(".timeline")).to_contain_text("确认实施范围")
    assert Activity.objects.get(opportunity=deal).duration_seconds == 900
    s.shot("05-opportunity-timeline")
    assert s.errors == []


def test_switching_language_changes_every_label(records, org, open_session):
    s = open_session(locale="zh-CN")
    s.sign_in("rep_a")
    s.go("/leads/")
    expect(s.page.locator("h1")).to_have_text("线索")
    expect(s.page.locator(".main-nav")).to_contain_text("客户")
    s.shot("06-leads-zh")
    s.page.select_option("#lang-select", "en")
    s.page.wait_for_load_state("load")
    expect(s.page.locator("h1")).to_have_text("Leads")
    expect(s.page.locator(".main-nav")).to_contain_text("Customers")
    expect(s.page.locator("th:not(.select)").first).to_have_text("Name")
    s.shot("07-leads-en")
    s.page.select_option("#lang-select", "zh-hans")
    expect(s.page.locator("h1")).to_have_text("线索")
    assert s.errors == []


def test_a_manager_dashboard_draws_its_charts(records, org, open_session):
    s = open_session()
    s.sign_in("manager_a")
    for chart in ("funnel-chart", "activity-chart"):
        expect(s.page.locator(f"[data-chart='{chart}'] canvas")).to_have_count(1)
    s.page.wait_for_timeout(600)  # let the chart animation settle for the screenshot
    s.shot("08-manager-dashboard")
    assert s.errors == []


def test_a_rep_opening_another_reps_customer_gets_404(records, org, open_session):
    s = open_session()
    s.sign_in("rep_a")
    theirs = records["rep_b"].customer
    response = s.go(f"/customers/{theirs.pk}/")
    assert response.status == 404
    expect(s.page.locator("main")).not_to_contain_text(theirs.name)
    s.shot("09-not-found")


def test_pages_fit_a_phone(records, org, open_session):
    s = open_session(phone=True)
    s.sign_in("rep_a")
    s.shot("10-phone-workbench")
    s.go("/customers/")
    width = s.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    s.shot("11-phone-customers")
    s.go(f"/customers/{records['rep_a'].customer.pk}/")
    s.shot("12-phone-customer")
    assert s.errors == []
