"""Overhead of usage tracking: the same API request with tracking on and off.

    .venv/bin/python bench/bench_usage.py [--requests 2000] [--postgres]

Signs a user in with an API token and calls GET /api/v1/notifications/unread-count (a small
request, so the tracking share is as large as it gets) through Django's test client, in
alternating blocks with USAGE_TRACKING on and off so machine drift hits both alike. With
tracking on, events go through the real buffer and are written in batches of
USAGE_FLUSH_EVERY (default 200), so the flushes are part of the timings. Prints median and
p95 per mode, their difference and ratio, and checks that every tracked request was written.
Default database: a scratch SQLite file under var/bench-usage; --postgres uses
BENCH_DATABASE_URL (see common.py).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = 100


def setup(postgres: bool) -> None:
    if postgres:
        from common import setup_django

        setup_django()
        return
    home = tempfile.mkdtemp(prefix="bench-usage-", dir=ROOT / "var")
    os.environ["VALUECRM_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "valuecrm.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return (statistics.median(ordered) * 1000,
            ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="per mode")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    setup(args.postgres)
    from django.conf import settings
    from django.test import Client

    from valuecrm.org.actions import create_api_token
    from valuecrm.org.models import Role, User
    from valuecrm.usage import buffer
    from valuecrm.usage.models import UsageEvent

    settings.ALLOWED_HOSTS = ["testserver"]
    user, _ = User.objects.get_or_create(username="bench_usage", defaults={"role": Role.REP})
    _token, key = create_api_token(actor=user, user=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = "/api/v1/notifications/unread-count"
    for _ in range(50):  # warm up caches, the connection and the route lookup
        client.get(url)
    buffer.flush()
    before = UsageEvent.objects.count()
    times: dict[bool, list[float]] = {True: [], False: []}
    for block in range(2 * args.requests // BLOCK):
        tracking = block % 2 == 0
        settings.USAGE_TRACKING = tracking
        for _ in range(BLOCK):
            start = time.perf_counter()
            response = client.get(url)
            times[tracking].append(time.perf_counter() - start)
            assert response.status_code == 200
    settings.USAGE_TRACKING = True
    buffer.flush()
    written = UsageEvent.objects.count() - before
    on, off = percentiles(times[True]), percentiles(times[False])
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
          f"{args.requests} requests per mode, flush every {settings.USAGE_FLUSH_EVERY}")
    print(f"tracking off: median {off[0]:.3f} ms, p95 {off[1]:.3f} ms")
    print(f"tracking on:  median {on[0]:.3f} ms, p95 {on[1]:.3f} ms")
    print(f"overhead: median +{on[0] - off[0]:.3f} ms (ratio {on[0] / off[0]:.3f}), "
          f"p95 +{on[1] - off[1]:.3f} ms (ratio {on[1] / off[1]:.3f})")
    print(f"events written: {written} of {len(times[True])} tracked requests")


if __name__ == "__main__":
    main()
