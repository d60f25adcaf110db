"""Today's priorities: ranked rows with reasons, only within the caller's scope; managers
also see the reps who need help."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from valuecrm.crm.actions import log_activity
from valuecrm.crm.models import Customer
from valuecrm.pool.models import Pool, RecycleRule
from valuecrm.sales.models import Opportunity, Stage
from valuecrm.scoring.tests.conftest import History


def ago(days):
    return timezone.now() - timedelta(days=days)


def _stage(name):
    return Stage.objects.get(name_en=name)


@pytest.fixture
def day(org, records):
    """rep_a's day: a customer about to be recycled, one gone quiet, two more deals besides
    the fixture's, and the fixture's overdue payment plan."""
    pool = Pool.objects.create(name="华东公海", unit=org.east, warn_days=3)
    RecycleRule.objects.create(pool=pool, kind=RecycleRule.Kind.NO_ACTIVITY, days=30)
    leaving = Customer.objects.create(name="将回收客户", name_key="jhs", owner=org.rep_a,
                                      owned_since=ago(100), last_activity_at=ago(28))
    quiet = Customer.objects.create(name="沉默客户", name_key="cm", owner=org.rep_a,
                                    owned_since=ago(100), last_activity_at=ago(20))
    customer = records["rep_a"].customer
    big = Opportunity.objects.create(name="大单", customer=customer, stage=_stage("Proposal"),
                                     owner=org.rep_a, amount=Decimal("100000"))
    slow = Opportunity.objects.create(name="慢单", customer=customer,
                                      stage=_stage("Negotiation"), owner=org.rep_a,
                                      amount=Decimal("10000"), stage_entered_at=ago(40),
                                      expected_close_date=timezone.localdate() - timedelta(1))
    return {"leaving": leaving, "quiet": quiet, "big": big, "slow": slow}


def test_rows_are_ranked_by_tier_and_say_why(org, records, day, api):
    body = api(org.rep_a).get("focus").json()
    order = [(item["kind"], item["id"]) for item in body["items"]]
    assert order == [
        ("customer", day["leaving"].pk),
        ("payment_plan", records["rep_a"].plan.pk),
        ("opportunity", day["big"].pk),  # 50% x 100000
        ("opportunity", day["slow"].pk),  # 75% x 10000
        ("opportunity", records["rep_a"].opportunity.pk),  # 10% x 50000
        ("customer", day["quiet"].pk),
    ]
    rows = {(i["kind"], i["id"]): i for i in body["items"]}
    leaving = rows[("customer", day["leaving"].pk)]
    assert leaving["codes"] == ["recycle_due", "stale"]
    assert "Goes back to the pool on" in leaving["reasons"][0]
    plan = rows[("payment_plan", records["rep_a"].plan.pk)]
    assert Decimal(plan["amount"]) == Decimal("6000")
    assert "6,000.00 of 10,000.00" in plan["reasons"][0] and "10 days overdue" in plan["reasons"][0]
    big = rows[("opportunity", day["big"].pk)]
    assert Decimal(big["expected_value"]) == Decimal("50000")
    assert big["reasons"][0] == "Expected value 50,000.00 = 50% (stage default) x 100,000.00."
    slow = rows[("opportunity", day["slow"].pk)]
    assert {"close_date_passed", "stalled"} <= set(slow["codes"])
    assert rows[("customer", day["quiet"].pk)]["reasons"] == ["No activity for 20 days."]
    assert body["reps_needing_help"] is None


def test_a_predicted_probability_replaces_the_stage_default(org, records, day, api):
    from valuecrm.scoring.models import Score

    Score.objects.create(opportunity=day["slow"], probability=0.99, log_odds=4.6,
                         base_log_odds=0, basis="model")
    items = api(org.rep_a).get("focus").json()["items"]
    deals = [i for i in items if i["kind"] == "opportunity"]
    assert deals[0]["id"] == day["big"].pk and deals[1]["id"] == day["slow"].pk
    assert "99% (predicted)" in deals[1]["reasons"][0]


def test_a_reps_focus_list_never_shows_another_reps_records(org, records, day, api):
    for rep in org.reps:
        items = api(rep).get("focus").json()["items"]
        assert items and {i["owner_id"] for i in items} == {rep.pk}
    manager = api(org.manager_a).get("focus").json()["items"]
    assert {i["owner_id"] for i in manager} == {org.rep_a.pk, org.rep_a2.pk}


def test_managers_see_the_reps_who_need_help(org, records, day, api):
    for _ in range(4):
        log_activity(actor=org.rep_a, data={"kind": "call", "customer_id": day["quiet"].pk,
                                            "started_at": ago(1)})
    h = History(org.rep_a2)
    customer = h._customer()
    for i in range(5):  # 100% won 100-150 days ago, 20% in the last 90 days
        h.deal(customer, "won", created_at=ago(150), closed_at=ago(100 + i))
        h.deal(customer, "won" if i == 0 else "lost", created_at=ago(60), closed_at=ago(10 + i))

    helpers = {r["rep"]: r for r in api(org.manager_a).get("focus").json()["reps_needing_help"]}
    assert set(helpers) == {"rep_a", "rep_a2"}
    assert helpers["rep_a"]["codes"] == ["stalled_deals"]
    assert helpers["rep_a"]["stalled_deals"] == 1
    assert set(helpers["rep_a2"]["codes"]) == {"low_activity", "falling_win_rate"}
    assert "fell from 100% to 20%" in " ".join(helpers["rep_a2"]["reasons"])
    east = {r["rep"] for r in api(org.head_east).get("focus").json()["reps_needing_help"]}
    assert "rep_c" not in east and {"rep_a", "rep_a2"} <= east


def test_command_prints_the_list_for_a_person(org, records, day):
    out = StringIO()
    call_command("focus", "--as", "rep_a", stdout=out)
    text = out.getvalue()
    assert text.startswith(f"1. [customer {day['leaving'].pk}] 将回收客户")
    assert "- Goes back to the pool on" in text
