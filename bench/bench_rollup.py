"""What the activity rollup costs: its rebuild, and its triggers on writes (PostgreSQL).

    DATABASE_URL=postgres://…/vcrm_large_rollup .venv/bin/python bench/bench_rollup.py \
        [--rows 1000000] [--singles 2000]

On a database with the rollup migration applied (a COPY of the benchmark database: the
writes are rolled back, but the rebuild is committed). Prints, each against a reference
measured in the same run, and their ratio:
- each rollup's rebuild (`valuecrm metrics rebuild-rollups`, i.e. the migrations'
  backfill) against the same GROUP BY read without writing it;
- a bulk INSERT … SELECT of --rows activities with the triggers against the same insert
  with the rollups' triggers disabled (rolled back, each best of --runs);
- --singles one-row INSERTs (as the app writes) with and without the triggers.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("VALUECRM_HOME", tempfile.mkdtemp(prefix="vcrm-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecrm.settings")

TRIGGERS = ("insert", "update", "delete", "truncate")


def timed(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def in_rollback(func, triggers: bool) -> float:
    """Seconds of `func` inside a transaction that is then rolled back."""
    from django.db import connection, transaction

    from valuecrm.metrics import rollups

    with transaction.atomic():
        with connection.cursor() as cursor:
            if not triggers:
                for rollup in rollups.ROLLUPS:
                    table = rollups._names(rollup)[1]
                    for op in TRIGGERS:
                        cursor.execute(f"ALTER TABLE crm_activity DISABLE TRIGGER "
                                       f"{table}_sync_{op}")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            seconds = timed(lambda: func(cursor))
        transaction.set_rollback(True)
    return seconds


def row(label, ours, reference):
    print(f"{label:58} {ours:9.3f} {reference:9.3f} {ours / reference:6.2f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--singles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    from valuecrm.metrics import rollups

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM crm_activity")
        total = cursor.fetchone()[0]
    print(f"{connection.vendor}, {total:,} activities; seconds: ours, reference, ratio")
    columns = ("kind, owner_id, started_at, customer_id, lead_id, opportunity_id, "
               "duration_seconds, subject, outcome, created_at, updated_at, version")
    bulk = (f"INSERT INTO crm_activity ({columns}) SELECT kind, owner_id, started_at + "
            f"interval '1 day', customer_id, lead_id, opportunity_id, duration_seconds, "
            f"subject, outcome, created_at, updated_at, version FROM crm_activity "
            f"ORDER BY id LIMIT {args.rows}")

    def singles(cursor):
        cursor.execute(f"SELECT {columns} FROM crm_activity ORDER BY id LIMIT %s",
                       [args.singles])
        for values in cursor.fetchall():
            cursor.execute(f"INSERT INTO crm_activity ({columns}) VALUES "
                           f"({', '.join(['%s'] * len(values))})", values)

    for label, work in ((f"bulk insert of {args.rows:,} activities",
                         lambda c: c.execute(bulk)),
                        (f"{args.singles:,} one-row inserts", singles)):
        ours = min(in_rollback(work, True) for _ in range(args.runs))
        reference = min(in_rollback(work, False) for _ in range(args.runs))
        row(f"{label} (triggers / none)", ours, reference)

    for rollup in rollups.ROLLUPS:
        source = rollups._names(rollup)[0]
        keys = rollups._key_exprs(rollup, "postgresql", "r", "%s")
        read = (f"SELECT count(*) FROM (SELECT {', '.join(keys)}, count(*) FROM {source} r"
                f"{rollups._alive(rollup, 'WHERE')} GROUP BY "
                f"{', '.join(str(i + 1) for i in range(len(keys)))}) g")

        def group_only(read=read, rollup=rollup):
            with connection.cursor() as cursor:
                cursor.execute(read, [rollups.time_zone_of(rollup, "default")])

        reference = timed(group_only)
        started = time.perf_counter()
        rows = rollups.rebuild(rollup)
        ours = time.perf_counter() - started
        row(f"rebuild {rollup.name} ({rows:,} rows) / GROUP BY read", ours, reference)

if __name__ == "__main__":
    main()
