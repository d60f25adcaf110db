"""Journeys of the second round, in a real browser: claim from the pool until the limit
refuses (and read why), import a file with a bad row and read the error, and an analyst's
metrics explorer drawing its chart."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from valuecrm.crm.models import Customer, Lead
from valuecrm.pool.models import Pool

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_claim_from_the_pool_until_the_limit_says_no(records, org, open_session):
    pool = Pool.objects.create(name="华东公海", unit=org.east, daily_claim_limit=1)
    first, second = (Customer.objects.create(name=name, name_key=key, pool=pool)
                     for name, key in (("南京云杉贸易", "njys"), ("苏州远帆科技", "szyf")))
    s = open_session(locale="en-US")
    s.sign_in("rep_a")
    s.go("/pool/")
    page = s.page
    expect(page.locator("h1")).to_have_text("Public pool")
    page.click(f"#claim-{first.pk} button")
    expect(page.locator(f"#claim-{first.pk}")).to_contain_text("Claimed")
    page.click(f"#claim-{second.pk} button")
    refusal = page.locator(f"#claim-{second.pk} .claim-refused")
    expect(refusal).to_contain_text("the pool's daily limit")
    s.shot("13-pool-claim-refused")
    assert Customer.objects.get(pk=first.pk).owner_id == org.rep_a.pk
    assert Customer.objects.get(pk=second.pk).owner_id is None
    assert s.errors == []


def test_the_lead_form_warns_of_duplicates_before_saving(records, org, open_session):
    s = open_session()
    s.sign_in("rep_a")
    page = s.page
    s.go("/leads/new/")
    page.fill("#id_name", "李雷")
    page.fill("#id_phone", "138 1234 5678")
    page.locator("#id_phone").blur()
    warning = page.locator("#duplicates .duplicates")
    expect(warning).to_contain_text(records["rep_a"].lead.company_name)
    expect(warning).to_contain_text("杭州组")  # rep_b's lead: only the team is named
    expect(warning).not_to_contain_text(records["rep_b"].lead.company_name)
    s.shot("20-lead-form-duplicates")
    assert s.errors == []


def test_import_a_file_with_a_bad_row_and_read_the_error(records, org, open_session,
                                                         tmp_path):
    source = tmp_path / "线索.csv"
    source.write_text("联系人,公司名称,手机\n王五,东方贸易,13911112222\n孙七,南方贸易,12\n",
                      encoding="utf-8")
    s = open_session()
    s.sign_in("rep_a")
    page = s.page
    s.go("/import/")
    page.select_option("#id_kind", "leads")
    page.set_input_files("#id_file", str(source))
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/import/[0-9a-f]{32}/$"))
    expect(page.locator("#col2")).to_have_value("phone")
    s.shot("14-import-mapping")
    page.click("button[value=preview]")
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").first).to_have_text("3")
    expect(errors.first).to_contain_text("12")
    expect(page.locator("button[value=import]")).to_be_disabled()
    s.shot("15-import-preview-errors")
    assert not Lead.objects.filter(company_name="东方贸易").exists()
    # Choosing to import the valid rows imports the good one and reports the bad one.
    page.check("input[name=skip_invalid]")
    page.click("button[value=preview]")
    expect(page.locator("button[value=import]")).to_be_enabled()
    page.click("button[value=import]")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator("table.import-errors tbody tr")).to_have_count(1)
    s.shot("16-import-result")
    assert Lead.objects.filter(company_name="东方贸易", owner=org.rep_a).exists()
    assert s.errors == []


def test_an_analyst_draws_a_metric_in_the_explorer(records, org, open_session):
    s = open_session()
    s.sign_in("analyst")
    page = s.page
    page.click("a[href='/metrics/']")
    page.select_option("#id_metric", "leads_created")
    page.fill("#id_start", date.today().replace(month=1, day=1).isoformat())
    page.select_option("#id_grain", "month")
    page.select_option("#id_by", "owner")
    page.click("form.filters button[type=submit]")
    expect(page.locator("[data-chart='explorer-chart'] canvas")).to_have_count(1)
    expect(page.locator("table.metric-rows tbody tr").first).to_be_visible()
    assert "metric=leads_created" in page.url
    page.wait_for_timeout(600)  # the chart's animation, for the screenshot
    s.shot("17-metrics-explorer")
    s.go("/metrics/trees/")
    s.shot("18-metric-tree")
    s.go("/channels/")
    expect(page.locator("[data-chart='channel-chart'] canvas")).to_have_count(1)
    s.shot("19-channel-scorecard")
    assert s.errors == []
