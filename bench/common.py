"""Shared set-up for benchmarks: a dedicated PostgreSQL database, timing, reporting.

Benchmarks print ValueCRM's figure, a reference measured in the same run, and their ratio;
absolute times drift on shared machines, ratios much less.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_URL = os.environ.get("BENCH_DATABASE_URL",
                           "postgres://postgres@127.0.0.1:5432/valuecrm_bench")


def setup_django() -> None:
    """Point Django at the benchmark database (created if missing) and migrate it."""
    import psycopg

    base, _, name = BENCH_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.setdefault("VALUECRM_HOME", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecrm.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def best_of(runs: int, prepare: Callable[[], None], action: Callable[[], object]) -> float:
    """Median seconds of `runs` timed calls of `action`, each after an untimed `prepare`."""
    times = []
    for _ in range(runs):
        prepare()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(name: str, ours: float, reference: float, reference_name: str, unit: str = "s"):
    ratio = ours / reference if reference else float("inf")
    print(f"{name}: valuecrm {ours:.3f} {unit} | {reference_name} {reference:.3f} {unit} | "
          f"ratio {ratio:.2f}")
    return ratio
