"""The scheduled sweep: rules recycle neglected customers, set-based and idempotent."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from valuecrm.crm.actions import log_activity
from valuecrm.crm.models import Customer
from valuecrm.pool.actions import sweep_pools
from valuecrm.pool.models import OwnershipChange, RecycleRule
from valuecrm.pool.tests.conftest import days_ago
from valuecrm.sales.actions import create_opportunity, update_opportunity
from valuecrm.sales.models import Stage


def _owned(rep, name, *, taken_days_ago, last_activity_days_ago=None):
    return Customer.objects.create(
        name=name, name_key=name, owner=rep, owned_since=days_ago(taken_days_ago),
        last_activity_at=(days_ago(last_activity_days_ago)
                          if last_activity_days_ago is not None else None),
    )


def test_customers_without_follow_up_go_back_to_the_pool_with_the_reason(
    org, east_pool, no_activity_rule, api
):
    stale = _owned(org.rep_a, "冷客户", taken_days_ago=90, last_activity_days_ago=31)
    fresh = _owned(org.rep_a, "热客户", taken_days_ago=90, last_activity_days_ago=2)
    never = _owned(org.rep_b, "从未跟进", taken_days_ago=40)
    elsewhere = _owned(org.rep_c, "西南客户", taken_days_ago=90, last_activity_days_ago=60)

    result = sweep_pools()

    assert result.total == 2
    recycled = set(Customer.objects.filter(owner__isnull=True).values_list("pk", flat=True))
    assert recycled == {stale.pk, never.pk}
    assert Customer.objects.get(pk=fresh.pk).owner == org.rep_a
    assert Customer.objects.get(pk=elsewhere.pk).owner == org.rep_c  # not the east's rule
    assert Customer.objects.get(pk=stale.pk).pool == east_pool
    log = OwnershipChange.objects.get(customer=stale)
    assert (log.kind, log.from_owner, log.rule) == ("recycled", org.rep_a, no_activity_rule)
    history = api(org.admin).get(f"customers/{stale.pk}/history").json()
    assert history[-1]["reason"] == no_activity_rule.reason
    assert {"field": "owner", "old": str(org.rep_a.pk), "new": None} in history[-1]["changes"]


def test_a_second_sweep_changes_nothing(org, no_activity_rule):
    _owned(org.rep_a, "冷客户", taken_days_ago=90, last_activity_days_ago=45)
    assert sweep_pools().total == 1
    assert sweep_pools().total == 0
    assert OwnershipChange.objects.count() == 1


def test_logging_an_activity_resets_the_clock(org, no_activity_rule):
    customer = _owned(org.rep_a, "快过期", taken_days_ago=90, last_activity_days_ago=29.9)
    log_activity(actor=org.rep_a, data={
        "kind": "call", "customer_id": customer.pk, "started_at": timezone.now(),
        "duration_seconds": 60,
    })
    assert sweep_pools(now=timezone.now() + timedelta(days=1)).total == 0


def test_not_won_rule_spares_customers_won_since_they_were_taken(org, east_pool):
    RecycleRule.objects.create(pool=east_pool, kind=RecycleRule.Kind.NOT_WON, days=60)
    lingering = _owned(org.rep_a, "久未成交", taken_days_ago=61, last_activity_days_ago=1)
    winner = _owned(org.rep_a, "已成交", taken_days_ago=61, last_activity_days_ago=1)
    deal = create_opportunity(actor=org.rep_a, data={"name": "单", "customer_id": winner.pk})
    update_opportunity(actor=org.rep_a, pk=deal.pk,
                       changes={"stage_id": Stage.objects.get(outcome="won").pk})
    assert sweep_pools().total == 1
    assert Customer.objects.get(pk=lingering.pk).owner is None
    assert Customer.objects.get(pk=winner.pk).owner == org.rep_a


def test_a_rule_can_hand_customers_to_another_rep(org, east_pool):
    RecycleRule.objects.create(pool=east_pool, kind=RecycleRule.Kind.NO_ACTIVITY, days=30,
                               reassign_to=org.rep_b)
    customer = _owned(org.rep_a, "转交", taken_days_ago=90, last_activity_days_ago=40)
    sweep_pools()
    customer.refresh_from_db()
    assert customer.owner == org.rep_b and customer.owned_since is not None


def test_owners_are_warned_before_the_recycle(org, records, no_activity_rule, api):
    soon = _owned(org.rep_a, "两天后回收", taken_days_ago=90, last_activity_days_ago=28)
    _owned(org.rep_a, "还早", taken_days_ago=90, last_activity_days_ago=10)
    _owned(org.rep_b, "别人的", taken_days_ago=90, last_activity_days_ago=28)
    rows = api(org.rep_a).get("pool/upcoming-recycles").json()
    assert [row["customer"] for row in rows] == [soon.pk]
    assert rows[0]["rule"] == no_activity_rule.pk


def test_sweep_command_reports_what_it_did(org, no_activity_rule):
    _owned(org.rep_a, "冷客户", taken_days_ago=90, last_activity_days_ago=45)
    out = StringIO()
    call_command("pool", "sweep", stdout=out)
    assert f"rule {no_activity_rule.pk}: 1 customers recycled" in out.getvalue()
