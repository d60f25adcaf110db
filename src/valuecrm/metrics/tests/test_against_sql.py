"""Every shipped metric, computed by the engine over Q1 2025, equals a hand-written SQL
query on the same data (run through connection.cursor())."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from valuecrm.metrics.catalog import get_catalog
from valuecrm.metrics.queries import metric_values

from .conftest import END, START

SIGNED = ("FROM sales_contract c WHERE c.deleted_at IS NULL AND c.status IN "
          "('active', 'expired', 'terminated') AND c.signed_date BETWEEN %(d0)s AND %(d1)s")
LINES = ("FROM sales_contractline l JOIN sales_contract c ON c.id = l.contract_id WHERE "
         "c.deleted_at IS NULL AND c.status IN ('active', 'expired', 'terminated') AND "
         "c.signed_date BETWEEN %(d0)s AND %(d1)s")
OPP = ("FROM sales_opportunity o JOIN sales_stage s ON s.id = o.stage_id "
       "WHERE o.deleted_at IS NULL")
CLOSED = OPP + " AND o.closed_at >= %(t0)s AND o.closed_at < %(t1)s"
CREATED = OPP + " AND o.created_at >= %(t0)s AND o.created_at < %(t1)s"
LEADS = ("FROM crm_lead l WHERE l.deleted_at IS NULL AND l.created_at >= %(t0)s AND "
         "l.created_at < %(t1)s")
CUSTOMERS = ("FROM crm_customer k WHERE k.deleted_at IS NULL AND k.created_at >= %(t0)s "
             "AND k.created_at < %(t1)s")
ACTS = "FROM crm_activity a WHERE a.started_at >= %(t0)s AND a.started_at < %(t1)s"
PAID = ("FROM sales_payment p JOIN sales_contract c ON c.id = p.contract_id "
        "WHERE c.deleted_at IS NULL")
PLANS = ("FROM sales_paymentplan pp JOIN sales_contract c ON c.id = pp.contract_id "
         "WHERE c.deleted_at IS NULL AND pp.due_date BETWEEN %(d0)s AND %(d1)s")
OUTSTANDING = ("pp.amount - COALESCE((SELECT SUM(x.amount) FROM sales_payment x "
               "WHERE x.plan_id = pp.id), 0)")
LEAD_OPP = ("FROM crm_lead l LEFT JOIN sales_opportunity o ON o.id = "
            "l.converted_opportunity_id LEFT JOIN sales_stage s ON s.id = o.stage_id "
            "WHERE l.deleted_at IS NULL")
DAYS = "FROM usage_usageday d WHERE d.day BETWEEN %(d0)s AND %(d1)s"
EVENTS = "FROM usage_usageevent e WHERE e.occurred_at >= %(t0)s AND e.occurred_at < %(t1)s"
DECIDED = ("FROM approvals_approvalrequest r WHERE r.status IN ('approved', 'rejected') AND "
           "r.decided_at >= %(t0)s AND r.decided_at < %(t1)s")
STEPS = ("FROM approvals_approvalstep s WHERE s.status IN ('approved', 'rejected') AND "
         "s.decided_at >= %(t0)s AND s.decided_at < %(t1)s")


def fill(table, column, alias):
    return (f"SELECT SUM(CASE WHEN {alias}.{column} <> '' THEN 1 ELSE 0 END) * 1.0 / COUNT(*) "
            f"{table}")


def median(select, source):
    return (f"SELECT AVG(v) FROM (SELECT {select} AS v, ROW_NUMBER() OVER (ORDER BY {select})"
            f" AS rn, COUNT(*) OVER () AS n {source}) ranked "
            f"WHERE rn IN ((n + 1) / 2, (n + 2) / 2)")


SQL = {
    "contract_amount": f"SELECT SUM(c.total_amount) {SIGNED}",
    "new_contract_amount": f"SELECT SUM(c.total_amount) {SIGNED} AND c.type = 'new'",
    "renewal_contract_amount": f"SELECT SUM(c.total_amount) {SIGNED} AND c.type = 'renewal'",
    "upsell_contract_amount": f"SELECT SUM(c.total_amount) {SIGNED} AND c.type = 'upsell'",
    "contracts_signed": f"SELECT COUNT(*) {SIGNED}",
    "avg_contract_size": f"SELECT SUM(c.total_amount) * 1.0 / COUNT(*) {SIGNED}",
    "median_contract_size": median("c.total_amount", SIGNED),
    "signing_customers": f"SELECT COUNT(DISTINCT c.customer_id) {SIGNED}",
    "contract_amount_ytd": f"SELECT SUM(c.total_amount) {SIGNED}",
    "contract_amount_rolling_3": f"SELECT SUM(c.total_amount) {SIGNED.replace('%(d0)s', '%(r0)s')}",
    "contract_amount_mom": (
        f"SELECT CASE WHEN prev = 0 THEN NULL ELSE (cur - prev) * 1.0 / prev END FROM "
        f"(SELECT COALESCE((SELECT SUM(c.total_amount) {SIGNED}), 0) AS cur, "
        f"COALESCE((SELECT SUM(c.total_amount) "
        f"{SIGNED.replace('%(d0)s', '%(p0)s').replace('%(d1)s', '%(p1)s')}), 0) AS prev) t"),
    "product_sales_amount": ("SELECT SUM(l.quantity * l.unit_price * (100 - "
                             f"l.discount_percent) / 100) {LINES}"),
    "discount_amount": f"SELECT SUM(l.quantity * l.unit_price * l.discount_percent / 100) {LINES}",
    "opportunities_created": f"SELECT COUNT(*) {CREATED}",
    "pipeline_created_amount": f"SELECT SUM(o.amount) {CREATED}",
    "won_deals": f"SELECT COUNT(*) {CLOSED} AND s.outcome = 'won'",
    "won_amount": f"SELECT SUM(o.amount) {CLOSED} AND s.outcome = 'won'",
    "closed_deals": f"SELECT COUNT(*) {CLOSED} AND s.outcome IN ('won', 'lost')",
    "win_rate": ("SELECT SUM(CASE WHEN s.outcome = 'won' THEN 1 ELSE 0 END) * 1.0 / COUNT(*) "
                 f"{CLOSED} AND s.outcome IN ('won', 'lost')"),
    "avg_won_deal_size": f"SELECT SUM(o.amount) * 1.0 / COUNT(*) {CLOSED} AND s.outcome = 'won'",
    "opportunity_win_conversion": (
        "SELECT SUM(CASE WHEN s.outcome = 'won' AND {secs(o.created_at, o.closed_at)} "
        f"BETWEEN 0 AND 180 * 86400 THEN 1 ELSE 0 END) * 1.0 / COUNT(*) {CREATED}"),
    "sales_cycle_days": ("SELECT AVG({secs(o.created_at, o.closed_at)} / 86400) "
                         f"{CLOSED} AND s.outcome = 'won'"),
    "payments_received": (f"SELECT SUM(p.amount - p.refunded_amount) {PAID} AND "
                          "p.received_date BETWEEN %(d0)s "
                          "AND %(d1)s"),
    "payments_due": f"SELECT SUM(pp.amount) {PLANS}",
    "refunds_paid": ("SELECT COALESCE(SUM(r.amount), 0) FROM sales_refund r JOIN "
                     "sales_contract c ON "
                     "c.id = r.contract_id WHERE c.deleted_at IS NULL AND r.status = "
                     "'refunded' AND r.refunded_date BETWEEN %(d0)s AND %(d1)s"),
    "payment_collection_rate": (
        f"SELECT (SELECT SUM(p.amount - p.refunded_amount) {PAID} AND p.plan_id IN "
        f"(SELECT pp.id {PLANS})) * 1.0"
        f" / (SELECT SUM(pp.amount) {PLANS})"),
    "overdue_receivables": (f"SELECT SUM(CASE WHEN {OUTSTANDING} > 0 THEN {OUTSTANDING} "
                            f"ELSE 0 END) {PLANS} AND pp.due_date < %(today)s"),
    "leads_created": f"SELECT COUNT(*) {LEADS}",
    "leads_converted": ("SELECT COUNT(*) FROM crm_lead l WHERE l.deleted_at IS NULL AND "
                        "l.status = 'converted' AND l.converted_at >= %(t0)s AND "
                        "l.converted_at < %(t1)s"),
    "lead_opportunity_conversion": (
        "SELECT SUM(CASE WHEN l.converted_opportunity_id IS NOT NULL AND "
        "{secs(l.created_at, l.converted_at)} BETWEEN 0 AND 30 * 86400 THEN 1 ELSE 0 END) "
        f"* 1.0 / COUNT(*) {LEADS}"),
    "lead_win_conversion": (
        "SELECT SUM(CASE WHEN s.outcome = 'won' AND {secs(l.created_at, o.closed_at)} "
        "BETWEEN 0 AND 90 * 86400 THEN 1 ELSE 0 END) * 1.0 / COUNT(*) "
        f"{LEAD_OPP} AND l.created_at >= %(t0)s AND l.created_at < %(t1)s"),
    "lead_to_deal_rate": (f"SELECT (SELECT COUNT(*) {SIGNED}) * 1.0 / "
                          f"(SELECT COUNT(*) {LEADS})"),
    "lead_to_win_days": ("SELECT AVG({secs(l.created_at, o.closed_at)} / 86400) "
                         f"{LEAD_OPP} AND s.outcome = 'won' AND o.closed_at >= %(t0)s AND "
                         "o.closed_at < %(t1)s"),
    "first_response_hours": (
        "SELECT AVG({secs(l.assigned_at, l.first_contact_at)} / 3600) FROM crm_lead l "
        "WHERE l.deleted_at IS NULL AND l.first_contact_at IS NOT NULL AND "
        "l.assigned_at >= %(t0)s AND l.assigned_at < %(t1)s"),
    "median_first_response_hours": median(
        "{secs(l.assigned_at, l.first_contact_at)} / 3600",
        "FROM crm_lead l WHERE l.deleted_at IS NULL AND l.first_contact_at IS NOT NULL AND "
        "l.assigned_at >= %(t0)s AND l.assigned_at < %(t1)s"),
    "leads_uncontacted": ("SELECT COUNT(*) FROM crm_lead l WHERE l.deleted_at IS NULL AND "
                          "l.first_contact_at IS NULL AND l.assigned_at >= %(t0)s AND "
                          "l.assigned_at < %(t1)s"),
    "customers_created": f"SELECT COUNT(*) {CUSTOMERS}",
    "activities": f"SELECT COUNT(*) {ACTS}",
    "calls": f"SELECT COUNT(*) {ACTS} AND a.kind = 'call'",
    "call_minutes": f"SELECT SUM(a.duration_seconds) / 60.0 {ACTS} AND a.kind = 'call'",
    "avg_call_minutes": (f"SELECT SUM(a.duration_seconds) / 60.0 / COUNT(*) {ACTS} "
                         "AND a.kind = 'call'"),
    "calls_per_rep": (f"SELECT COUNT(*) * 1.0 / COUNT(DISTINCT a.owner_id) {ACTS} "
                      "AND a.kind = 'call'"),
    "visits": f"SELECT COUNT(*) {ACTS} AND a.kind = 'visit'",
    "active_reps": f"SELECT COUNT(DISTINCT a.owner_id) {ACTS}",
    "per_capita_contract_amount": (f"SELECT (SELECT SUM(c.total_amount) {SIGNED}) * 1.0 / "
                                   f"(SELECT COUNT(DISTINCT a.owner_id) {ACTS})"),
    "customers_followed": (f"SELECT COUNT(DISTINCT a.customer_id) {ACTS} "
                           "AND a.customer_id IS NOT NULL"),
    "follow_ups_per_customer": (f"SELECT COUNT(*) * 1.0 / COUNT(DISTINCT a.customer_id) {ACTS}"
                                " AND a.customer_id IS NOT NULL"),
    "lead_phone_fill_rate": fill(LEADS, "phone", "l"),
    "lead_email_fill_rate": fill(LEADS, "email", "l"),
    "lead_industry_fill_rate": fill(LEADS, "industry", "l"),
    "customer_phone_fill_rate": fill(CUSTOMERS, "phone", "k"),
    "customer_email_fill_rate": fill(CUSTOMERS, "email", "k"),
    "customer_industry_fill_rate": fill(CUSTOMERS, "industry", "k"),
    "customer_size_fill_rate": fill(CUSTOMERS, "size_tier", "k"),
    # Usage and approvals (their own tests fill these tables and compare again).
    "usage_active_users": f"SELECT COUNT(DISTINCT d.user_id) {DAYS}",
    "usage_person_days": f"SELECT COUNT(*) {DAYS}",
    "usage_dau": f"SELECT COUNT(*) * 1.0 / NULLIF(COUNT(DISTINCT d.day), 0) {DAYS}",
    "usage_stickiness": (f"SELECT COUNT(*) * 1.0 / NULLIF(COUNT(DISTINCT d.day) * "
                         f"COUNT(DISTINCT d.user_id), 0) {DAYS}"),
    "usage_events": f"SELECT COUNT(*) {EVENTS}",
    "usage_feature_users": f"SELECT COUNT(DISTINCT e.user_id) {EVENTS}",
    "usage_sessions": f"SELECT COUNT(DISTINCT e.session) {EVENTS} AND e.session <> ''",
    "usage_sessions_per_user": (f"SELECT (SELECT COUNT(DISTINCT e.session) {EVENTS} AND "
                                f"e.session <> '') * 1.0 / NULLIF((SELECT COUNT(DISTINCT "
                                f"d.user_id) {DAYS}), 0)"),
    "usage_median_response_ms": median(
        "e.duration_ms", EVENTS + " AND e.action IN ('page_view', 'api_call')"),
    "usage_adoption_reports": (f"SELECT (SELECT COUNT(DISTINCT e.user_id) {EVENTS} AND "
                               f"e.feature = 'reports') * 1.0 / NULLIF((SELECT COUNT(DISTINCT "
                               f"d.user_id) {DAYS}), 0)"),
    "usage_adoption_pool": (f"SELECT (SELECT COUNT(DISTINCT e.user_id) {EVENTS} AND "
                            f"e.feature = 'pool') * 1.0 / NULLIF((SELECT COUNT(DISTINCT "
                            f"d.user_id) {DAYS}), 0)"),
    "usage_adoption_focus": (f"SELECT (SELECT COUNT(DISTINCT e.user_id) {EVENTS} AND "
                             f"e.feature = 'focus') * 1.0 / NULLIF((SELECT COUNT(DISTINCT "
                             f"d.user_id) {DAYS}), 0)"),
    "approval_requests": ("SELECT COUNT(*) FROM approvals_approvalrequest r WHERE "
                          "r.submitted_at >= %(t0)s AND r.submitted_at < %(t1)s"),
    "approval_cycle_hours": median("r.cycle_seconds / 3600.0", DECIDED),
    "approval_approved_share": (f"SELECT SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 "
                                f"END) * 1.0 / NULLIF(COUNT(*), 0) {DECIDED}"),
    "approval_step_waiting_hours": median("s.waiting_seconds / 3600.0", STEPS),
    "approval_step_handling_hours": median("s.handling_seconds / 3600.0", STEPS),
    "approval_steps_overdue": ("SELECT COUNT(*) FROM approvals_approvalstep s WHERE "
                               "s.reminded_at IS NOT NULL AND s.activated_at >= %(t0)s AND "
                               "s.activated_at < %(t1)s"),
}
PG_ONLY = {"p90_contract_size": "SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY "
                                f"c.total_amount) {SIGNED}"}


def secs(start, end):
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def hand_sql(key, all_rows=False):
    """The hand query's value (`all_rows`: every row it returns, for grouped queries)."""
    sql = SQL.get(key) or PG_ONLY[key]
    while "{secs(" in sql:
        head, rest = sql.split("{secs(", 1)
        args, tail = rest.split(")}", 1)
        sql = head + secs(*[a.strip() for a in args.split(",")]) + tail
    tz = timezone.get_current_timezone()
    bounds = {"d0": START, "d1": END, "today": timezone.localdate(),
              "t0": timezone.make_aware(datetime.combine(START, time.min), tz),
              "t1": timezone.make_aware(datetime.combine(END + timedelta(days=1), time.min), tz),
              "r0": START - timedelta(days=2 * ((END - START).days + 1)),
              "p0": START - timedelta(days=(END - START).days + 1),
              "p1": START - timedelta(days=1)}
    with connection.cursor() as cursor:
        cursor.execute(sql, bounds)
        if all_rows:
            return cursor.fetchall()
        row = cursor.fetchone()
        return row[0] if row else None


def test_every_shipped_metric_has_a_hand_query():
    # Delivery and campaign metrics are checked on their own data, in
    # delivery/tests/test_against_sql.py and campaigns/tests/test_metrics_against_sql.py.
    from valuecrm.campaigns.tests.test_metrics_against_sql import SQL as CAMPAIGN_SQL
    from valuecrm.delivery.tests.test_against_sql import SQL as DELIVERY_SQL

    visible = {k for k, m in get_catalog().metrics.items() if not m.hidden}
    assert visible - set(SQL) - set(PG_ONLY) - set(DELIVERY_SQL) - set(CAMPAIGN_SQL) == set()


@pytest.fixture
def usage_book(org, records):
    """Usage events over the quarter (a few inside it, one after) and two decided
    approvals, for the usage and approval metrics."""
    from valuecrm.approvals.models import ApprovalFlow, ApprovalRequest, ApprovalStep
    from valuecrm.usage import buffer

    tz = timezone.get_current_timezone()
    for n, (person, feature, action) in enumerate([
            (org.rep_a, "leads", "page_view"), (org.rep_a, "pool", "claim"),
            (org.rep_b, "reports", "api_call"), (org.rep_b, "leads", "page_view"),
            (org.rep_c, "focus", "api_call"), (org.rep_a, "leads", "api_call")]):
        when = datetime.combine(START + timedelta(days=n * 9), time(10), tz)
        buffer.record(user_id=person.pk, unit_id=person.unit_id, feature=feature,
                      action=action, at=when, duration_ms=50 * (n + 1), session=f"s{n % 4}")
    buffer.record(user_id=org.rep_a.pk, unit_id=None, feature="pool", action="claim",
                  at=datetime.combine(END + timedelta(days=2), time(10), tz))
    flow = ApprovalFlow.objects.create(name="f", min_amount=1)
    for n, (rep, status, hours) in enumerate([("rep_a", "approved", 30), ("rep_b", "rejected", 6)]):
        start = datetime.combine(START + timedelta(days=10 + n), time(9), tz)
        request = ApprovalRequest.objects.create(
            flow=flow, subject="contract", contract=records[rep].contract, amount=1,
            owner=records[rep].contract.owner, requested_by=records[rep].contract.owner,
            status=status, submitted_at=start, decided_at=start + timedelta(hours=hours),
            cycle_seconds=hours * 3600)
        ApprovalStep.objects.create(
            request=request, position=1, name="x", approver_role="manager", sla_hours=4,
            status=status, activated_at=start, opened_at=start + timedelta(hours=hours - 1),
            decided_at=start + timedelta(hours=hours), waiting_seconds=(hours - 1) * 3600,
            handling_seconds=3600, reminded_at=start + timedelta(hours=5) if n else None)


@pytest.mark.parametrize("key", sorted([*SQL, *PG_ONLY]))
def test_engine_agrees_with_hand_sql(book, org, key, request):
    if key.startswith(("usage_", "approval_")):
        request.getfixturevalue("usage_book")
    if key in PG_ONLY and connection.vendor != "postgresql":
        pytest.skip("percentile_cont exists on PostgreSQL only; the SQLite aggregate is "
                    "checked against hand-computed values in test_engine")
    [row] = metric_values(user=org.admin, key=key, start=START, end=END)["totals"]
    expected = hand_sql(key)
    if expected is None:
        assert row["value"] is None
    else:
        assert float(row["value"]) == pytest.approx(float(expected), rel=1e-9, abs=1e-9)


def test_the_queries_see_the_fixture(book):
    assert hand_sql("contract_amount") == 200000
    assert date(2025, 1, 1) == START
