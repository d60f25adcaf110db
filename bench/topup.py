"""Grow a demo database to benchmark size by copying its sales history N times, in SQL.

The generator needs about 1 ms of Python per lead plus the writes, so `--scale large`
(1,000,000 leads) takes well over an hour on a shared 2-core machine. This script takes a
finished `valuecrm demo --scale medium` build and appends N-1 copies of its leads,
customers, contacts, activities, opportunities, contracts, payments and orders server-side
(`INSERT … SELECT` over `generate_series`): copy k of a row gets id + k x (the table's
largest id) and its references to copied tables are shifted the same way, so every copy is
a consistent second company history with the same owners, channels, stages and dates.
Text columns in unique indexes get a "~k" suffix. Users, org units and reference data are
not copied, so the same 61 people own 20 times the records.

    DATABASE_URL=postgres://…/vcrm_large .venv/bin/python bench/topup.py --times 20

Run once on a fresh medium build; it refuses a database already topped up.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent

# Parents before children; every foreign key between these tables is shifted per copy.
TABLES = [
    "crm_customer", "crm_contact", "sales_opportunity", "crm_lead", "crm_lead_tags",
    "crm_customer_tags", "crm_activity", "sales_opportunitystagechange", "sales_contract",
    "sales_contractline", "sales_paymentplan", "sales_payment", "delivery_order",
    "delivery_orderstageevent",
]


def foreign_keys(conn, table: str) -> dict[str, str]:
    rows = conn.execute("""
        SELECT a.attname, c.confrelid::regclass::text
        FROM pg_constraint c JOIN pg_attribute a
          ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.conrelid = %s::regclass""", [table]).fetchall()
    return dict(rows)


def unique_text_columns(conn, table: str) -> set[str]:
    rows = conn.execute("""
        SELECT a.attname FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary
          AND a.atttypid IN ('text'::regtype, 'varchar'::regtype)""", [table]).fetchall()
    return {r[0] for r in rows}


def columns(conn, table: str) -> list[str]:
    rows = conn.execute("""
        SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0
        AND NOT attisdropped ORDER BY attnum""", [table]).fetchall()
    return [r[0] for r in rows]


def copy_statement(conn, table: str, offsets: dict[str, int], times: int) -> str:
    fks, unique = foreign_keys(conn, table), unique_text_columns(conn, table)
    exprs = []
    for col in columns(conn, table):
        if col == "id":
            exprs.append(f"t.id + k * {offsets[table]}")
        elif fks.get(col) in offsets:
            exprs.append(f"t.{col} + k * {offsets[fks[col]]}")
        elif col in unique:
            exprs.append(f"t.{col} || '~' || k")
        else:
            exprs.append(f"t.{col}")
    cols = ", ".join(columns(conn, table))
    return (f"INSERT INTO {table} ({cols}) SELECT {', '.join(exprs)} FROM {table} t "
            f"CROSS JOIN generate_series(1, {times - 1}) k WHERE t.id <= {offsets[table]}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--times", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database of a medium demo build.")
    with psycopg.connect(url) as conn:
        leads = conn.execute("SELECT count(*) FROM crm_lead").fetchone()[0]
        scale = conn.execute("SELECT scale FROM demo_demorun").fetchone()
        if scale is None or leads > 100_000:
            sys.exit(f"Expected a fresh medium demo build ({leads} leads, run {scale}).")
        offsets = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]
                   for t in TABLES}
        # The copies' references are the originals' shifted by construction: skip the
        # per-row foreign-key triggers (superuser only) and build the secondary indexes
        # once at the end, in bulk, rather than row by row (a GIN index above all).
        conn.execute("SET session_replication_role = replica")
        indexes = conn.execute("""
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
            WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique""", [TABLES]).fetchall()
        for name, _definition in indexes:
            conn.execute(f"DROP INDEX {name}")
        for table in TABLES:
            started = time.perf_counter()
            cursor = conn.execute(copy_statement(conn, table, offsets, args.times))
            print(f"{table}: +{cursor.rowcount:,} rows in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            conn.execute(definition)
        print(f"{len(indexes)} indexes rebuilt in {time.perf_counter() - started:.1f} s",
              flush=True)
        for table in TABLES:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT max(id) FROM {table}))")
        started = time.perf_counter()
    print(f"commit: {time.perf_counter() - started:.1f} s", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        for table in TABLES:
            n = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            print(f"{table}: {n:,} rows")


if __name__ == "__main__":
    main()
