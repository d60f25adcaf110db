"""Pool sweep over N customers (default 1,000,000) on PostgreSQL.

ValueCRM: `sweep_pools()` — locks candidates, logs each change in OwnershipChange, updates
the customers, writes a history row for each, all set-based.
Reference: the single plain UPDATE the sweep amounts to (owner := NULL where stale), with
no log and no history. Both start from the same data, restored before every run.

    .venv/bin/python bench/bench_pool_sweep.py [--customers 1000000] [--runs 3]
"""

import argparse
from datetime import timedelta

from common import best_of, report, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--due-share", type=float, default=0.05,
                        help="Share of customers a sweep recycles (a normal day: a few %%).")
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.utils import timezone

    from valuecrm.org.models import OrgUnit, Role, User
    from valuecrm.pool.actions import sweep_pools
    from valuecrm.pool.models import OwnershipChange, Pool, RecycleRule

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE crm_customer, crm_historicalcustomer, pool_ownershipchange, "
                       "pool_recyclerule, pool_pool, org_user, org_orgunit CASCADE")
    company = OrgUnit.objects.create(name="bench", kind="company")
    dept = OrgUnit.objects.create(name="dept", kind="department", parent=company)
    team = OrgUnit.objects.create(name="team", kind="team", parent=dept)
    reps = [User.objects.create(username=f"rep{i}", role=Role.REP, unit=team) for i in range(50)]
    pool = Pool.objects.create(name="bench pool", unit=dept)
    rule = RecycleRule.objects.create(pool=pool, kind="no_activity", days=30)
    first_rep = reps[0].pk

    # Every k-th customer was last touched 31-90 days ago (due); the rest within 29 days.
    every = max(1, round(1 / args.due_share))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO crm_customer (name, name_key, industry, size_tier, region, phone, email,
                lifecycle_stage, owner_id, created_at, updated_at, version, owned_since,
                last_activity_at, search_text)
            SELECT 'customer ' || g, 'customer' || g, '', '', '', '', '', 'prospect',
                   %s + (g %% 50), %s, %s, 1, %s - interval '200 days',
                   %s - (CASE WHEN g %% %s = 0 THEN 31 + g %% 60 ELSE g %% 29 END)
                        * interval '1 day',
                   ' customer ' || g
            FROM generate_series(1, %s) AS g
            """,
            [first_rep, now, now, now, now, every, args.customers],
        )
        cursor.execute("CREATE TABLE bench_customer_copy AS SELECT id, owner_id, pool_id, "
                       "owned_since, version FROM crm_customer")
        cursor.execute("ANALYZE")
    due = args.customers // every

    def restore():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE pool_ownershipchange, crm_historicalcustomer")
            cursor.execute(
                "UPDATE crm_customer c SET owner_id = b.owner_id, pool_id = b.pool_id, "
                "owned_since = b.owned_since, version = b.version "
                "FROM bench_customer_copy b WHERE b.id = c.id AND c.owner_id IS NULL"
            )
            cursor.execute("VACUUM ANALYZE crm_customer")

    def ours():
        result = sweep_pools(now=now)
        assert result.total == due, result.total

    def reference():
        cutoff = now - timedelta(days=rule.days)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE crm_customer SET owner_id = NULL, pool_id = %s "
                "WHERE owner_id IS NOT NULL AND last_activity_at <= %s",
                [pool.pk, cutoff],
            )
            assert cursor.rowcount == due, cursor.rowcount

    ours_s = best_of(args.runs, restore, ours)
    assert OwnershipChange.objects.count() == due
    reference_s = best_of(args.runs, restore, reference)
    print(f"customers={args.customers} recycled={due} runs={args.runs} (median)")
    report("pool sweep", ours_s, reference_s, "plain UPDATE")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_customer_copy")


if __name__ == "__main__":
    main()
