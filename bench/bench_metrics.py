"""Each shipped metric through the engine and as hand-written SQL, on generated data.

    .venv/bin/python bench/bench_metrics.py [--rows 20000]        # SQLite in a temp folder
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_metrics.py   # an EMPTY database

Prints, per metric, the best of 3 runs of the engine (total over two years, as an
administrator) and of the hand query from the tests, and their ratio; then one metric by
month x team over the two years. Keep --rows small on shared machines.

    DATABASE_URL=postgres://…/vcrm_large .venv/bin/python bench/bench_metrics.py --existing

runs on a demo build anchored at 2026-01-01 (history 2024-01-02..2025-12-31) instead: per
metric the total and the month x team breakdown through the engine (`metric_values`, as
the API answers it: series and totals), against the hand query and, for metrics over one
table, the same hand query grouped by month x team (date_trunc in the configured time
zone, joined to the owner's unit).
"""

import argparse
import os
import random
import re
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("VALUECRM_HOME", tempfile.mkdtemp(prefix="vcrm-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecrm.settings")


def best(func, runs=3):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def generate(rows: int):
    from django.utils import timezone

    from valuecrm.crm.models import Activity, Customer, Lead
    from valuecrm.org.models import OrgUnit, Role, User
    from valuecrm.sales.models import Contract, Opportunity, Payment, PaymentPlan, Stage

    rng = random.Random(7)
    company = OrgUnit.objects.create(name="Bench", kind="company")
    teams = [OrgUnit.objects.create(name=f"T{i}", kind="team", parent=company)
             for i in range(4)]
    reps = [User.objects.create(username=f"bench{i}", role=Role.REP, unit=teams[i % 4])
            for i in range(16)]
    User.objects.create(username="bench_admin", is_superuser=True, role=Role.ADMIN)
    tz = timezone.get_current_timezone()

    def when():
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(730))
        return timezone.make_aware(datetime.combine(day, datetime.min.time()), tz) + timedelta(
            minutes=rng.randrange(600))

    customers = Customer.objects.bulk_create(
        Customer(name=f"C{i}", owner=rng.choice(reps), region=rng.choice("ABC"),
                 created_at=when()) for i in range(rows // 10))
    stages = list(Stage.objects.all())
    opps = Opportunity.objects.bulk_create(
        Opportunity(name=f"O{i}", customer=rng.choice(customers), owner=rng.choice(reps),
                    stage=rng.choice(stages), amount=Decimal(rng.randrange(1000, 90000)),
                    created_at=(t := when()), closed_at=t + timedelta(days=rng.randrange(90)))
        for i in range(rows // 4))
    Lead.objects.bulk_create(
        Lead(name=f"L{i}", owner=rng.choice(reps), phone="138" if i % 3 else "",
             created_at=(t := when()), assigned_at=t,
             first_contact_at=t + timedelta(hours=rng.randrange(48)),
             converted_at=t + timedelta(days=5) if i % 4 == 0 else None,
             converted_opportunity=rng.choice(opps) if i % 4 == 0 else None,
             status="converted" if i % 4 == 0 else "new") for i in range(rows))
    contracts = Contract.objects.bulk_create(
        Contract(number=f"B{i}", customer=rng.choice(customers), owner=rng.choice(reps),
                 type=rng.choice(["new", "renewal", "upsell"]), status="active",
                 signed_date=when().date(), total_amount=Decimal(rng.randrange(1000, 90000)))
        for i in range(rows))
    plans = PaymentPlan.objects.bulk_create(
        PaymentPlan(contract=c, due_date=c.signed_date + timedelta(days=30),
                    amount=c.total_amount) for c in contracts)
    Payment.objects.bulk_create(
        Payment(contract=p.contract, plan=p, amount=p.amount,
                received_date=p.due_date + timedelta(days=rng.randrange(-10, 20)))
        for p in plans[::2])
    Activity.objects.bulk_create(
        Activity(kind=rng.choice(["call", "visit", "call"]), owner=rng.choice(reps),
                 customer=rng.choice(customers), started_at=when(),
                 duration_seconds=rng.randrange(30, 900)) for _ in range(rows * 2))


TIME_COLUMN = re.compile(r"(\w+\.\w+) (?:>= %\(t0\)s|BETWEEN %\(d0\)s)")


def grouped_hand_sql(key: str) -> str | None:
    """The hand query of `key` by month x team, when it is one SELECT over rows with an
    owner (not the usage and approval tables, nor medians, ratios of subqueries)."""
    from django.conf import settings

    from valuecrm.metrics.tests import test_against_sql as hand

    sql = hand.SQL.get(key) or hand.PG_ONLY.get(key)
    if sql is None or sql.count("SELECT") != 1 or key.startswith(("usage_", "approval_")):
        return None
    when = TIME_COLUMN.search(sql)
    if when is None:
        return None
    owner = "c.owner_id" if "sales_contract c" in sql else when.group(1).split(".")[0] + ".owner_id"
    column = when.group(1)
    month = (f"date_trunc('month', {column})" if "date" in column else
             f"date_trunc('month', {column} AT TIME ZONE '{settings.TIME_ZONE}')")
    head, where = sql.split(" WHERE ", 1)
    select, source = head.split(" FROM ", 1)
    # LEFT JOIN: rows without an owner (pool customers, unassigned leads) count in a
    # "no team" group, as the engine counts them; an inner join would drop them and time a
    # smaller query than the one that gives the same numbers.
    return (f"{select}, {month}, gu.unit_id FROM {source} LEFT JOIN org_user gu ON gu.id = "
            f"{owner} WHERE {where} GROUP BY 2, 3")


def run_hand(sql: str) -> list:
    """Every row of a grouped hand query with the tests' parameters (value, month, unit)."""
    from valuecrm.metrics.tests import test_against_sql as hand

    hand.SQL["_grouped"] = sql
    try:
        return hand.hand_sql("_grouped", all_rows=True)
    finally:
        hand.SQL.pop("_grouped")


def same_numbers(result: dict, hand_rows: list) -> bool:
    """Whether the engine's month x team rows equal the hand query's (groups without rows
    read 0 or nothing on the engine's side; the hand query has no such rows)."""
    engine = {(r["period"], r["dims"]["team"]["id"]): r["value"] for r in result["rows"]
              if r["value"] not in (None, 0)}
    hand = {(month.date().isoformat(), unit): value for value, month, unit in hand_rows
            if value not in (None, 0)}
    return engine.keys() == hand.keys() and all(
        abs(float(engine[k]) - float(hand[k])) <= 1e-9 * max(1.0, abs(float(hand[k])))
        for k in engine)


def existing(runs: int, only: str | None):
    from django.db import connection

    from valuecrm.crm.models import Activity, Lead
    from valuecrm.metrics.catalog import get_catalog
    from valuecrm.metrics.queries import metric_values
    from valuecrm.metrics.tests import test_against_sql as hand
    from valuecrm.org.models import User

    hand.START, hand.END = date(2024, 1, 1), date(2025, 12, 31)
    admin = User.objects.get(username="admin")
    print(f"{connection.vendor}, {Lead.objects.count():,} leads, {Activity.objects.count():,} "
          f"activities, 2024-01-01..2025-12-31, best of {runs}")
    print(f"{'metric':30} {'total: engine':>13} {'SQL':>7} {'ratio':>5} | "
          f"{'month x team: engine':>20} {'SQL':>7} {'ratio':>5}")
    catalog = get_catalog()
    for key in sorted(hand.SQL):
        if catalog.metrics[key].hidden or (only and only not in key):
            continue
        engine = best(lambda key=key: metric_values(user=admin, key=key, start=hand.START,
                                                    end=hand.END), runs)
        sql = best(lambda key=key: hand.hand_sql(key), runs)
        def by_month_and_team(key=key):
            return metric_values(user=admin, key=key, start=hand.START, end=hand.END,
                                 grain="month", by=["team"])

        grouped = best(by_month_and_team, runs)
        grouped_sql = (grouped_hand_sql(key) if catalog.metrics[key].kind in
                       ("simple", "ratio", "conversion") else None)
        reference = (best(lambda q=grouped_sql: run_hand(q), runs) if grouped_sql
                     else None)
        tail = (f"{reference:7.3f} {grouped / reference:5.2f}" if reference else
                f"{'-':>7} {'-':>5}")
        if grouped_sql and not same_numbers(by_month_and_team(), run_hand(grouped_sql)):
            tail += "  DIFFERENT NUMBERS"
        print(f"{key:30} {engine:13.3f} {sql:7.3f} {engine / sql:5.2f} | "
              f"{grouped:20.3f} {tail}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--existing", action="store_true",
                        help="use the demo build in DATABASE_URL instead of generating rows")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="metrics whose key contains this")
    args = parser.parse_args()
    import django

    django.setup()
    if args.existing:
        return existing(args.runs, args.only)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from valuecrm.metrics.queries import metric_values
    from valuecrm.metrics.tests import test_against_sql as hand
    from valuecrm.org.models import User

    generate(args.rows)
    hand.START, hand.END = date(2024, 1, 1), date(2025, 12, 31)
    admin = User.objects.get(username="bench_admin")
    print(f"{connection.vendor}, {args.rows} contracts / leads, 2024-01-01..2025-12-31")
    print(f"{'metric':32} {'engine s':>9} {'SQL s':>9} {'ratio':>6}")
    for key in sorted(hand.SQL):
        engine = best(lambda key=key: metric_values(user=admin, key=key, start=hand.START,
                                                    end=hand.END))
        sql = best(lambda key=key: hand.hand_sql(key))
        print(f"{key:32} {engine:9.4f} {sql:9.4f} {engine / sql:6.2f}")
    grouped = best(lambda: metric_values(user=admin, key="contract_amount", start=hand.START,
                                         end=hand.END, grain="month", by=["team"]))
    print(f"contract_amount by month x team over two years: {grouped:.4f} s")


if __name__ == "__main__":
    main()
