"""Creating from the pages in a real browser: a manager sets up an A/B campaign in Chinese,
is told what is wrong next to the field (an HTMX swap), fixes it and lands on the
campaign's page; a rep places an order from a contract's page."""

import pytest
from playwright.sync_api import expect

from valuecrm.campaigns.models import Campaign
from valuecrm.delivery.models import Order
from valuecrm.segments.actions import create_segment

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_manager_creates_an_ab_campaign(records, org, open_session):
    segment = create_segment(actor=org.admin, name="制造业客户",
                             definition={"field": "industry", "value": "制造业"})
    s = open_session()
    s.sign_in("manager_a")
    s.go("/campaigns/")
    page = s.page
    page.click("text=新建营销活动")
    expect(page.locator("h1")).to_have_text("新建营销活动")
    page.fill("#id_name", "制造业春季回访")
    page.select_option("#id_segment", str(segment.pk))
    page.fill("#id_holdout_percent", "95")
    page.fill("#id_variants-0-message", "您好，春季回访礼包已开放。")
    page.select_option("#id_variants-1-channel", "sms")
    page.fill("#id_variants-1-message", "春季礼包：回复1领取")
    page.click("main form button[type=submit]")
    error = page.locator("#id_holdout_percent_error")
    expect(error).to_be_visible()
    s.shot("40-campaign-form-error")
    assert not Campaign.objects.exists()
    page.fill("#id_holdout_percent", "20")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("制造业春季回访")
    expect(page.locator(".messages")).to_contain_text("已保存为草稿")
    s.shot("41-campaign-created")
    campaign = Campaign.objects.get()
    assert (campaign.owner, campaign.holdout_percent) == (org.manager_a, 20)
    assert list(campaign.variants.values_list("name", "channel")) == [
        ("A", "email"), ("B", "sms")]
    assert s.errors == []


def test_a_rep_places_an_order_from_the_contract_page(records, org, open_session):
    contract = records["rep_a"].contract
    s = open_session(locale="en-US")
    s.sign_in("rep_a")
    s.go(f"/contracts/{contract.pk}/")
    page = s.page
    page.click("text=Create order")
    expect(page.locator("#id_contract")).to_have_value(contract.number)
    page.fill("#id_number", "SO-WEB-1")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("SO-WEB-1")
    expect(page.locator(".messages")).to_contain_text("Order SO-WEB-1 placed.")
    order = Order.objects.get()
    assert (order.contract, order.quantity) == (contract, 2)
    assert s.errors == []
