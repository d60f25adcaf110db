"""Import speed: `valuecrm import leads` versus PostgreSQL COPY of the same file.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/vcrm_bench \\
        python bench/bench_import.py --rows 1000000

Generates a CSV of N leads (unique phones and emails, Chinese names, a channel, an owner),
imports it with `import_records` as `valuecrm import leads FILE` does (every row validated,
duplicate-checked in the file and the database, history rows naming the actor) and loads
the same file with COPY into a bare table of text columns, then prints both rates and the
ratio; then COPYs the imported rows, as stored, into a copy of crm_lead with all its indexes,
the database's own floor for these rows, and prints the import's share of that rate. All
runs inside a transaction that is rolled back, so the database is left as it was (no
commit is measured). `--orm` writes with the ORM's bulk_create instead of COPY (the
path SQLite takes), for comparison. Peak RSS is the process's, measured after the import.
"""

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from common import setup_django


def make_file(path: Path, rows: int) -> None:
    rng = random.Random(7)
    surnames, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋"
    cities = ["上海", "北京", "杭州", "成都", "深圳", "南京"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["联系人", "公司名称", "手机", "邮箱", "地区", "行业", "来源渠道", "负责人"])
        for i in range(rows):
            out.writerow([
                rng.choice(surnames) + rng.choice(given), f"测试{i}科技有限公司",
                f"139{i:08d}", f"lead{i}@example.com", rng.choice(cities), "制造业",
                "bench", "bench_admin",
            ])


def copy_seconds(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_leads (name text, company text, phone text, "
                       "email text, region text, industry text, channel text, owner text)")
        started = time.perf_counter()
        with cursor.copy("COPY bench_leads FROM STDIN (FORMAT csv, HEADER true)") as sink, \
                path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                sink.write(chunk)
        return time.perf_counter() - started


def copy_full_seconds(first_pk: int) -> float:
    """COPY the imported leads, as stored, into a table shaped like crm_lead with all its
    indexes (the trigram index on the search text included): what writing the finished rows
    costs the database alone, the floor under any import into the real table."""
    import io

    from django.db import connection

    with connection.cursor() as cursor:
        buffer = io.BytesIO()
        with cursor.copy("COPY (SELECT * FROM crm_lead WHERE id >= %s) TO STDOUT",
                         [first_pk]) as source:
            for chunk in source:
                buffer.write(chunk)
        cursor.execute("CREATE TABLE bench_lead_full (LIKE crm_lead INCLUDING ALL)")
        buffer.seek(0)
        started = time.perf_counter()
        with cursor.copy("COPY bench_lead_full FROM STDIN") as sink:
            while chunk := buffer.read(1 << 20):
                sink.write(chunk)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--orm", action="store_true", help="write with bulk_create, not COPY")
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction

    from valuecrm.crm.models import Channel, Lead
    from valuecrm.dataio import writes
    from valuecrm.dataio.actions import ImportOptions, import_records
    from valuecrm.org.models import Role, User

    writes.USE_COPY = not args.orm
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "leads.csv"
        make_file(path, args.rows)
        size = path.stat().st_size
        with transaction.atomic():
            Channel.objects.get_or_create(code="bench", defaults={"name": "bench"})
            admin, _ = User.objects.get_or_create(
                username="bench_admin", defaults={"role": Role.ADMIN, "is_superuser": True})
            first_pk = (Lead.all_objects.order_by("-pk").values_list("pk", flat=True).first()
                        or 0) + 1
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            cpu, started = time.process_time(), time.perf_counter()
            result = import_records(actor=admin, kind="leads", source=path,
                                    options=ImportOptions())
            ours = time.perf_counter() - started
            cpu = time.process_time() - cpu
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            assert result.created == args.rows, result
            copy = copy_seconds(path)
            copy_full = copy_full_seconds(first_pk)
            transaction.set_rollback(True)
    print(f"{args.rows:,} rows, {size / 1e6:.1f} MB, {connection.vendor}, "
          f"{'ORM bulk_create' if args.orm else 'COPY'} writes")
    print(f"valuecrm import: {ours:.2f} s ({args.rows / ours:,.0f} rows/s; "
          f"CPU of this process {cpu:.2f} s)")
    print(f"COPY into a bare table: {copy:.2f} s ({args.rows / copy:,.0f} rows/s)")
    print(f"ratio: {ours / copy:.1f}x (import at {copy / ours:.1%} of COPY's rate)")
    print(f"COPY of the finished rows into a copy of crm_lead with its indexes: "
          f"{copy_full:.2f} s ({args.rows / copy_full:,.0f} rows/s; import at "
          f"{copy_full / ours:.1%} of its rate)")
    print(f"peak RSS: {peak:.0f} MB (before the import: {rss_before:.0f} MB)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
