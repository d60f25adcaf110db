"""Demo generation rate: rows per second of `valuecrm demo` against PostgreSQL COPY.

ValueCRM: the demo build (`valuecrm.demo.build.build_demo`: generating every story in
Python, COPY on PostgreSQL, set-based updates, the pool sweep, one transaction) into the
benchmark database, its rows divided by its wall time.
Reference: the same rows, read back with `COPY … TO` (binary), written with `COPY … FROM`
into bare copies of the tables (no indexes or constraints): the database's bulk-load limit
for that row count.

    BENCH_DATABASE_URL=postgres://…/my_bench .venv/bin/python bench/bench_demo.py --scale small
    DATABASE_URL=postgres://…/vcrm_large .venv/bin/python bench/bench_demo.py --existing
        # the build already in that database (its DemoRun: rows and build seconds)
"""

import argparse
import io
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report  # noqa: E402


def copy_reference(tables: list[str]) -> tuple[int, float]:
    """(rows, seconds) of COPY FROM of every row of `tables` into bare copies."""
    from django.db import connection

    rows, seconds = 0, 0.0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in tables:
            buffer = io.BytesIO()
            with raw.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                for chunk in copy:
                    buffer.write(chunk)
            raw.execute(f"CREATE TEMP TABLE bench_copy (LIKE {table})")
            started = time.perf_counter()
            with raw.copy("COPY bench_copy FROM STDIN (FORMAT binary)") as copy:
                copy.write(buffer.getvalue())
            seconds += time.perf_counter() - started
            rows += raw.execute("SELECT count(*) FROM bench_copy").fetchone()[0]
            raw.execute("DROP TABLE bench_copy")
    return rows, seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="small")
    parser.add_argument("--existing", action="store_true")
    args = parser.parse_args()
    if args.existing:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecrm.settings")
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
        import django

        django.setup()
        from valuecrm.demo.queries import current_run

        run = current_run()
        if run is None:
            raise SystemExit("No demo build in DATABASE_URL.")
        seconds = run.build_seconds
    else:
        from common import setup_django

        setup_django()
        from valuecrm.demo.build import build_demo
        from valuecrm.demo.queries import current_run

        started = time.perf_counter()
        run = build_demo(seed=8, scale=args.scale, anchor=date(2026, 1, 1),
                         reset=current_run() is not None)
        seconds = time.perf_counter() - started
    from django.apps import apps

    tables, rows = [], 0
    for label, n in run.counts.items():
        app, _dot, name = label.partition(".")
        try:
            model = apps.get_model(app, name.split("_")[0])
        except (LookupError, ValueError):
            continue  # not a table: "pool.recycled", "value"
        if "_" in name:  # a many-to-many table, e.g. crm.Lead_tags
            model = model._meta.get_field(name.split("_", 1)[1]).remote_field.through
        tables.append(model._meta.db_table)
        rows += n
    copied, copy_seconds = copy_reference(tables)
    print(f"demo {run.scale} (seed {run.seed}, anchor {run.anchor_date}): {rows:,} rows "
          f"in {seconds:.1f} s; COPY of the same tables: {copied:,} rows "
          f"in {copy_seconds:.1f} s")
    report("demo generation rate (higher is better)", rows / seconds,
           copied / copy_seconds, "COPY into bare tables", unit="rows/s")


if __name__ == "__main__":
    main()
