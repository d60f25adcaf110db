"""Segment count over N customers (default 1,000,000) on PostgreSQL.

ValueCRM: `segment_counts(user, segment)` for a saved segment "industry = 母婴 AND a purchase
within 90 days AND (size tier small OR tagged VIP)", compiled from its JSON definition to
one query (EXISTS subqueries), for an administrator and for a manager (data scope joined).
Reference: the same count written by hand in SQL. Both are run on the same data; the
figure is the median of --runs.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/vcrm_scrm_bench \
        .venv/bin/python bench/bench_segments.py [--customers 1000000] [--runs 5]
"""

import argparse

from common import best_of, report, setup_django

HAND_SQL = """
    SELECT COUNT(*) FROM crm_customer c {join}
    WHERE c.deleted_at IS NULL AND c.industry = '母婴' {scope}
      AND EXISTS (SELECT 1 FROM sales_contract k WHERE k.customer_id = c.id
                  AND k.status IN ('active', 'expired', 'terminated')
                  AND k.signed_date >= CURRENT_DATE - 90)
      AND (c.size_tier = 'small' OR EXISTS (SELECT 1 FROM crm_customer_tags t
                                            WHERE t.customer_id = c.id AND t.tag_id = %s))
"""


def _fill(connection, customers: int, owners: list[int], now) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")  # random() below: the same data every run
        cursor.execute(
            """
            INSERT INTO crm_customer (name, name_key, industry, size_tier, region, phone, email,
                lifecycle_stage, owner_id, created_at, updated_at, version, search_text)
            SELECT 'customer ' || g, 'customer' || g,
                   CASE WHEN random() < 0.3 THEN '母婴' ELSE '制造业' END,
                   CASE WHEN random() < 0.25 THEN 'small' ELSE 'large' END, '', '', '',
                   'active', (%s::bigint[])[1 + floor(random() * %s)::int], %s, %s, 1, ''
            FROM generate_series(1, %s) AS g
            """, [owners, len(owners), now, now, customers])
        # A signed contract for 40% of customers, signed 0-364 days ago.
        cursor.execute(
            """
            INSERT INTO sales_contract (number, title, customer_id, type, status, signed_date,
                currency, total_amount, owner_id, created_at, updated_at, version)
            SELECT 'B-' || c.id, '', c.id, 'new', 'active',
                   CURRENT_DATE - floor(random() * 365)::int, 'CNY', 1000, c.owner_id, %s, %s, 1
            FROM crm_customer c WHERE random() < 0.4
            """, [now, now])
        cursor.execute("INSERT INTO crm_customer_tags (customer_id, tag_id) "
                       "SELECT c.id, (SELECT id FROM crm_tag WHERE name = 'VIP') "
                       "FROM crm_customer c WHERE random() < 0.1")
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.utils import timezone

    from valuecrm.crm.models import Tag
    from valuecrm.org.models import OrgUnit, Role, User
    from valuecrm.segments.models import Segment
    from valuecrm.segments.queries import segment_customers

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE crm_customer, crm_tag, sales_contract, segments_segment, "
                       "org_user, org_orgunit CASCADE")
    company = OrgUnit.objects.create(name="bench", kind="company")
    teams = [OrgUnit.objects.create(name=f"team {i}", kind="team", parent=company)
             for i in range(10)]
    reps = [User.objects.create(username=f"rep{i}", role=Role.REP, unit=teams[i % 10])
            for i in range(50)]
    admin = User.objects.create(username="admin", role=Role.ADMIN, is_superuser=True)
    manager = User.objects.create(username="manager", role=Role.MANAGER, unit=teams[0])
    vip = Tag.objects.create(name="VIP")
    _fill(connection, args.customers, [r.pk for r in reps], timezone.now())
    segment = Segment.objects.create(name="母婴近购", owner=admin, definition={"all": [
        {"field": "industry", "value": "母婴"}, {"purchased": {"within_days": 90}},
        {"any": [{"field": "size_tier", "value": "small"}, {"tag": vip.pk}]}]})

    def hand(scope_sql="", join=""):
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL.format(scope=scope_sql, join=join), [vip.pk])
            return cursor.fetchone()[0]

    team_scope = ("AND u.unit_id IN (SELECT id FROM org_orgunit WHERE path LIKE %s)"
                  .replace("%s", f"'{teams[0].path}%%'"))
    team_join = "JOIN org_user u ON u.id = c.owner_id"
    for user, name, scope, join in ((admin, "administrator", "", ""),
                                    (manager, "manager (one team)", team_scope, team_join)):
        count = segment_customers(user, segment).count()
        expected = hand(scope, join)
        assert count == expected, (count, expected)
        ours = best_of(args.runs, lambda: None,
                       lambda u=user: segment_customers(u, segment).count())
        reference = best_of(args.runs, lambda: None, lambda s=scope, j=join: hand(s, j))
        report(f"segment count, {name}, {args.customers:,} customers ({count:,} match)",
               ours, reference, "hand SQL")


if __name__ == "__main__":
    main()
