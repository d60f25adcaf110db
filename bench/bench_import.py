"""Import speed: `valuecrm import leads` versus PostgreSQL COPY of the same file.

    DATABASE_URL=postgres://... python bench/bench_import.py --rows 20000

Generates a CSV of N leads (unique phones and emails, Chinese names, a channel, an owner),
imports it with `import_records` (validation, duplicate checks, history rows) and loads the
same file with COPY into a bare table of text columns, then prints both times and the
ratio. Both run inside a transaction that is rolled back, so the database is left as it was
(the import's commit is therefore not measured, nor is COPY's). On SQLite only the import is
timed. Uses the configured database: point DATABASE_URL at a scratch database.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecrm.settings")


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from valuecrm.crm.models import Channel
    from valuecrm.dataio.actions import ImportOptions, import_records
    from valuecrm.org.models import Role, User

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "leads.csv"
        make_file(path, args.rows)
        size = path.stat().st_size
        with transaction.atomic():
            Channel.objects.get_or_create(code="bench", defaults={"name": "bench"})
            admin, _ = User.objects.get_or_create(
                username="bench_admin", defaults={"role": Role.ADMIN, "is_superuser": True})
            started = time.perf_counter()
            result = import_records(actor=admin, kind="leads", source=path,
                                    options=ImportOptions())
            ours = time.perf_counter() - started
            assert result.created == args.rows, result
            copy = None
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("CREATE TEMP TABLE bench_leads (name text, company text, "
                                   "phone text, email text, region text, industry text, "
                                   "channel text, owner text)")
                    started = time.perf_counter()
                    with cursor.copy("COPY bench_leads FROM STDIN (FORMAT csv, HEADER true)") \
                            as sink, path.open("rb") as handle:
                        while chunk := handle.read(1 << 20):
                            sink.write(chunk)
                    copy = time.perf_counter() - started
            transaction.set_rollback(True)
    print(f"{args.rows} rows, {size / 1e6:.1f} MB, {connection.vendor}")
    print(f"valuecrm import: {ours:.2f} s ({args.rows / ours:,.0f} rows/s)")
    if copy is not None:
        print(f"COPY into a bare table: {copy:.2f} s ({args.rows / copy:,.0f} rows/s)")
        print(f"ratio: {ours / copy:.1f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
