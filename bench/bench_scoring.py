"""Score recompute and channel scorecard over N leads (default 200,000) on PostgreSQL.

Data: 40% of leads open, 30% disqualified, 30% converted (one customer and one opportunity
each, half won, a fifth lost, the rest open); 8 channels, 10 regions, 6 industries.
ValueCRM: `recompute_scores()` (frequency tables in SQL, every open lead and opportunity
scored and upserted) and `channel_scorecard()` for an administrator over the whole period.
Reference: reading the closed leads' scored fields into Python, the row-by-row approach the
frequency counting replaces (no scoring, no writes).

    BENCH_DATABASE_URL=postgres://.../vcrm_scoring_bench \
        .venv/bin/python bench/bench_scoring.py [--leads 200000] [--runs 3]
"""

import argparse
import time

from common import best_of, report, setup_django


def _load(leads: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from valuecrm.crm.models import Channel
    from valuecrm.org.models import OrgUnit, Role, User
    from valuecrm.sales.models import Stage

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE crm_lead, crm_customer, sales_opportunity, scoring_score, "
                       "scoring_scoremodel, crm_channel, org_user, org_orgunit CASCADE")
    team = OrgUnit.objects.create(name="bench", kind="team")
    rep = User.objects.create(username="rep", role=Role.REP, unit=team)
    channels = [Channel.objects.create(name=f"channel {i}", code=f"c{i}",
                                       monthly_cost=1000 * (i + 1)).pk for i in range(8)]
    stages = dict(Stage.objects.values_list("outcome", "pk").order_by("-position"))
    opened = Stage.objects.filter(outcome="open").order_by("position").values_list(
        "pk", flat=True).first()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO crm_customer (id, created_at, updated_at, version, name, name_key,
                industry, size_tier, region, phone, email, lifecycle_stage, owner_id, channel_id)
            SELECT g, %(now)s, %(now)s, 1, 'c' || g, 'c' || g, 'ind' || (g %% 6), 'small',
                   'r' || (g %% 10), '', '', 'active', %(rep)s, (%(ch)s)[1 + g %% 8]
            FROM generate_series(1, %(n)s) g WHERE g %% 10 >= 7""",
            {"now": now, "rep": rep.pk, "ch": channels, "n": leads})
        cursor.execute("""
            INSERT INTO sales_opportunity (created_at, updated_at, version, name,
                stage_entered_at, amount, currency, lost_reason, customer_id, owner_id,
                stage_id, closed_at)
            SELECT %(now)s, %(now)s, 1, 'o' || id, %(now)s, 1000 + id %% 9000, 'CNY', 'x', id,
                   %(rep)s, CASE WHEN (id / 10) %% 10 < 5 THEN %(won)s
                                 WHEN (id / 10) %% 10 < 7 THEN %(lost)s
                   ELSE %(open)s END, %(now)s
            FROM crm_customer""",
            {"now": now, "rep": rep.pk, "won": stages["won"], "lost": stages["lost"],
             "open": opened})
        cursor.execute("""
            INSERT INTO crm_lead (created_at, updated_at, version, name, company_name, phone,
                email, region, industry, status, disqualify_reason, owner_id, channel_id,
                converted_customer_id)
            SELECT %(now)s - interval '1 hour' - (g %% 150) * interval '1 day', %(now)s, 1,
                   'l' || g, '', '', '', 'r' || ((g * 7) %% 10), 'ind' || ((g * 3) %% 6),
                   CASE WHEN g %% 10 < 4 THEN 'new' WHEN g %% 10 < 7 THEN 'disqualified'
                        ELSE 'converted' END,
                   CASE WHEN g %% 10 BETWEEN 4 AND 6 THEN 'x' ELSE '' END,
                   %(rep)s, (%(ch)s)[1 + (g * 5) %% 8],
                   CASE WHEN g %% 10 >= 7 THEN g END
            FROM generate_series(1, %(n)s) g""",
            {"now": now, "rep": rep.pk, "ch": channels, "n": leads})
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from django.utils import timezone

    from valuecrm.crm.models import Lead
    from valuecrm.org.models import User
    from valuecrm.scoring.actions import recompute_scores
    from valuecrm.scoring.channels import channel_scorecard
    from valuecrm.scoring.history import lost_leads, won_leads

    started = time.perf_counter()
    _load(args.leads)
    print(f"loaded {args.leads} leads in {time.perf_counter() - started:.1f} s")
    admin = User(username="bench-admin", role="admin", is_superuser=True)
    today = timezone.localdate()

    def ours():
        done = recompute_scores()
        assert done["lead"] == args.leads * 4 // 10, done

    def reference():
        fields = ("channel_id", "region", "industry")
        for qs in (won_leads(), lost_leads()):
            rows = list(qs.values_list(*fields))
            assert rows

    recompute_s = best_of(args.runs, lambda: None, ours)
    reference_s = best_of(args.runs, lambda: None, reference)
    print(f"leads={args.leads} open={Lead.objects.filter(status='new').count()} "
          f"runs={args.runs} (median)")
    report("score recompute (count + score + upsert)", recompute_s, reference_s,
           "loading closed leads into Python")
    card_s = best_of(args.runs, lambda: None, lambda: channel_scorecard(
        admin, start=today.replace(day=1).replace(month=1), end=today))
    print(f"channel scorecard (admin, year to date): {card_s:.3f} s")


if __name__ == "__main__":
    main()
