"""Soak test: mixed read/write API load on a running server for a bounded time, from this
separate process over loopback, watching errors and the server's memory.

    .venv/bin/python bench/soak.py [--seconds 300] [--workers 4] [--server gunicorn|runserver]
                                   [--sqlite]

Starts the server as deployed, `gunicorn valuecrm.wsgi:application --workers 2` on
127.0.0.1 (or `valuecrm runserver --noreload` with `--server runserver`), DEBUG off, on a
scratch database (PostgreSQL at SOAK_DATABASE_URL by default, or a scratch SQLite file), seeds a
team with a manager and reps, then runs `--workers` client threads, each signed in as one of
them with its API token, for `--seconds`: 70% reads (lead, customer and contract lists,
search, a metric by owner, the unread count, one lead) and 30% writes (create a lead, edit a
lead with its version, log a call, create a customer). Every request must answer 2xx; the
server's resident memory (VmRSS of all its processes) is sampled every `--sample` seconds.

runserver starts a thread per request, so persistent database connections (DB_CONN_MAX_AGE,
60 s by default) are never reused there and pile up until PostgreSQL refuses new clients: the
script runs it with DB_CONN_MAX_AGE=0, as Django advises for the development server.

Prints requests, errors, latency percentiles, the RSS series, and RSS at the end against RSS
after the warm-up (the first quarter of the run) as the ratio. Exit status 1 on any error or
on growth of more than --max-growth (default 10%). Only 127.0.0.1 is ever contacted, and the
loop stops by itself after --seconds.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOAK_URL = os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/valuecrm_soak")
READ_SHARE = 0.7


def prepare_database(sqlite: bool) -> dict[str, str]:
    """A fresh scratch database, migrated; the server's environment."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="valuecrm.settings", DEBUG="0",
               USAGE_TRACKING="1")
    env["VALUECRM_HOME"] = tempfile.mkdtemp(prefix="soak-", dir=ROOT / "var")
    if sqlite:
        env.pop("DATABASE_URL", None)
    else:
        import psycopg

        base, _, name = SOAK_URL.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = SOAK_URL
    os.environ.update(env)
    if sqlite:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return env


def seed(workers: int) -> list[str]:
    """A team with a manager and reps, a channel and product; one API token per worker."""
    from decimal import Decimal

    from valuecrm.crm.models import Channel, Customer
    from valuecrm.org.actions import create_api_token
    from valuecrm.org.models import OrgUnit, Role, User
    from valuecrm.sales.actions import LineInput, create_contract
    from valuecrm.sales.models import Product

    company = OrgUnit.objects.create(name="浸泡测试公司", kind=OrgUnit.Kind.COMPANY)
    team = OrgUnit.objects.create(name="一组", kind=OrgUnit.Kind.TEAM, parent=company)
    Channel.objects.create(name="官网", code="web")
    product = Product.objects.create(name="专业版", sku="PRO", list_price=Decimal("1000"))
    people = [User.objects.create_user(username="soak_manager", password="pw-soak-9",
                                       role=Role.MANAGER, unit=team)]
    people += [User.objects.create_user(username=f"soak_rep{i}", password="pw-soak-9",
                                        role=Role.REP, unit=team) for i in range(workers)]
    for rep in people[1:]:
        customer = Customer.objects.create(name=f"{rep.username} 客户", owner=rep)
        create_contract(actor=rep, data={"number": f"HT-{rep.username}",
                                         "customer_id": customer.pk},
                        lines=[LineInput(product_id=product.pk, quantity=Decimal("1"))])
    return [create_api_token(actor=p, user=p, name="soak")[1]
            for p in people[: max(1, workers)]]


class Client:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, error.read()[:300]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.by_kind: dict[str, int] = {}

    def add(self, kind: str, seconds: float, status: int, detail) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            if not 200 <= status < 300:
                self.errors.append(f"{kind}: {status} {detail!r}"[:300])


def _reads(year: int) -> list[tuple[str, str]]:
    return [("GET", "/leads?limit=20"), ("GET", "/customers?limit=20"),
            ("GET", "/contracts?limit=20"), ("GET", "/search?q=soak"),
            ("GET", f"/metrics/contract_amount/values?from={year}-01-01&to={year}-12-31"
                    "&by=owner"),
            ("GET", "/notifications/unread-count")]


def worker(client: Client, stats: Stats, stop_at: float, seed_: int) -> None:
    try:
        _work(client, stats, stop_at, seed_)
    except Exception as error:  # noqa: BLE001 - a dead worker is an error of the run
        stats.add("worker", 0.0, 0, f"stopped: {error!r}")


def _work(client: Client, stats: Stats, stop_at: float, seed_: int) -> None:
    rng = random.Random(seed_)
    reads = _reads(time.localtime().tm_year)
    my_leads: list[int] = []
    customer = None
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        if rng.random() < READ_SHARE or not my_leads and n % 2:
            method, path = rng.choice(reads)
            kind, body = f"{method} {path.split('?')[0]}", None
            if my_leads and rng.random() < 0.2:
                method, path, kind = "GET", f"/leads/{rng.choice(my_leads)}", "GET /leads/{pk}"
        else:
            choice = rng.randrange(4) if my_leads else 0
            if choice == 0:
                method, path, body = "POST", "/leads", {
                    "name": f"浸泡线索 {seed_}-{n}", "company_name": f"浸泡公司 {seed_}-{n}",
                    "phone": f"139{seed_:02d}{n % 1000000:06d}"}
            elif choice == 1:
                pk = rng.choice(my_leads)
                status, lead = client.call("GET", f"/leads/{pk}")
                stats.add("GET /leads/{pk}", 0.0, status, lead)
                method, path, body = "PATCH", f"/leads/{pk}", {
                    "industry": f"行业 {n}", "version": lead["version"]}
            elif choice == 2:
                method, path, body = "POST", "/customers", {"name": f"浸泡客户 {seed_}-{n}"}
            else:
                if customer is None:
                    customer = client.call("GET", "/customers?limit=1")[1]["items"][0]["id"]
                method, path, body = "POST", "/activities", {
                    "kind": "call", "customer": customer, "duration_seconds": 60,
                    "started_at": time.strftime("%Y-%m-%dT%H:%M:%S+08:00")}
            kind = f"{method} {path if choice in (0, 2, 3) else '/leads/{pk}'}"
        started = time.perf_counter()
        try:
            status, answer = client.call(method, path, body)
        except OSError as error:
            status, answer = 0, str(error)
        stats.add(kind, time.perf_counter() - started, status, answer)
        if kind == "POST /leads" and status == 201:
            my_leads.append(answer["id"])


def rss_kib(pid: int) -> int:
    """Resident memory of the server: its process and its children (gunicorn workers)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for each in pids:
        try:
            lines = Path(f"/proc/{each}/status").read_text().splitlines()
        except FileNotFoundError:
            continue
        total += next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)
    return total


def server_command(kind: str, port: int, env: dict) -> list[str]:
    if kind == "gunicorn":
        return [str(Path(sys.executable).parent / "gunicorn"), "valuecrm.wsgi:application",
                "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60"]
    env["DB_CONN_MAX_AGE"] = "0"
    return [sys.executable, "-m", "valuecrm", "runserver", f"127.0.0.1:{port}", "--noreload"]


def wait_until_up(base: str, token: str, server: subprocess.Popen) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit("the server exited while starting")
        try:
            if Client(base, token).call("GET", "/me")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not answer within 20 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sample", type=float, default=5.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--max-growth", type=float, default=0.10)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 3600:
        parser.error("--seconds must be between 1 and 3600 (the run is bounded)")

    env = prepare_database(args.sqlite)
    tokens = seed(args.workers)
    command = server_command(args.server, args.port, env)
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server.
    log = Path(env["VALUECRM_HOME"]) / "server.log"
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=log.open("w"))
    base = f"http://127.0.0.1:{args.port}/api/v1"
    try:
        wait_until_up(base, tokens[0], server)
        stats, started = Stats(), time.monotonic()
        stop_at = started + args.seconds
        threads = [threading.Thread(target=worker, daemon=True, args=(
            Client(base, tokens[i % len(tokens)]), stats, stop_at, i + 1))
            for i in range(args.workers)]
        for thread in threads:
            thread.start()
        samples = []
        while time.monotonic() < stop_at and server.poll() is None:
            samples.append((round(time.monotonic() - started), rss_kib(server.pid)))
            time.sleep(min(args.sample, max(0.0, stop_at - time.monotonic())))
        for thread in threads:
            thread.join(timeout=60)
        samples.append((round(time.monotonic() - started), rss_kib(server.pid)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return summarise(args, stats, samples, log.read_text(errors="replace"))


def summarise(args, stats: Stats, samples: list[tuple[int, int]], stderr: str) -> int:
    total = len(stats.latencies)
    latencies = sorted(stats.latencies)
    database = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"soak on {database} with {args.server}: {args.seconds} s, {args.workers} workers, "
          f"{total} requests ({total / args.seconds:.1f}/s), errors {len(stats.errors)}")
    print("  by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.by_kind.items())))
    print(f"  latency: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {latencies[int(0.95 * (total - 1))] * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms")
    print("  server RSS MiB over time (s: MiB): " + ", ".join(
        f"{t}: {kib / 1024:.1f}" for t, kib in samples[:: max(1, len(samples) // 20)]))
    warm = [kib for t, kib in samples if t >= args.seconds / 4]
    after_warm_up, end = warm[0] / 1024, samples[-1][1] / 1024
    growth = end / after_warm_up
    late_half = [kib for t, kib in samples if t >= args.seconds / 2]
    print(f"soak RSS: valuecrm end {end:.1f} MiB | after warm-up {after_warm_up:.1f} MiB | "
          f"ratio {growth:.3f} (peak of the second half {max(late_half) / 1024:.1f} MiB)")
    for error in stats.errors[:10]:
        print("  error:", error)
    if "Traceback" in stderr:
        print("  server traceback:", stderr[stderr.index("Traceback"):][:2000])
    failed = bool(stats.errors) or growth > 1 + args.max_growth or "Traceback" in stderr
    print("soak: FAILED" if failed else "soak: passed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
