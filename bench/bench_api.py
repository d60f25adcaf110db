"""List and search API under concurrent load, against the same SQL run directly.

ValueCRM: gunicorn (sync workers) on 127.0.0.1 serving the real app, loaded by `wrk` (Debian
package `wrk`) from a separate process with N connections for D seconds per scenario; wrk's
latency histogram gives p50/p95/p99 and its count the throughput.
Reference: the SQL statements each request runs (captured from the same request through
Django's test client: token lookup, scope, filters, count, page, prefetch) replayed by N
separate processes with their own psycopg connections for the same D seconds. The ratio is
what HTTP, Django, ninja and serialisation add on top of the database work.
Also: the lead list page's server time (Django test client, median of 5) per role.

Runs against an existing demo database (read only, apart from API tokens it creates):

    apt-get install -y wrk
    DATABASE_URL=postgres://…/vcrm_large .venv/bin/python bench/bench_api.py \
        [--duration 15] [--connections 4] [--workers 2] [--role manager]
"""

import argparse
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecrm.settings")

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Authorization"] = "Bearer %s"})
end
done = function(summary, latency, requests)
  io.write(string.format('{"p50": %%d, "p95": %%d, "p99": %%d, "requests": %%d, ' ..
    '"errors": %%d, "non2xx": %%d}\\n', latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.requests, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.errors.status))
end
"""


def scenarios(user) -> dict[str, list[str]]:
    """Request paths per scenario, drawn from the data the user can see."""
    from valuecrm.api.pagination import encode_cursor, sort_keys
    from valuecrm.crm.models import Lead

    visible = Lead.objects.visible_to(user)
    # The row before page 401: what `next` of page 400 names.
    cursor = encode_cursor(visible[9999], sort_keys(visible))
    sample = list(visible.order_by("-id").values("name", "company_name", "phone", "owner_id",
                                                 "channel_id")[:2000:100])
    base = "/api/v1/leads?limit=25"
    # The status this user has fewest leads in (60 "new" of a team's 118,000): a newest-
    # first page has to find them without walking the whole table in date order.
    rarest = min(("new", "working", "qualified", "converted", "disqualified"),
                 key=lambda s: visible.filter(status=s).count() or float("inf"))
    return {
        "leads, newest first": [base],
        "leads by status": [f"{base}&status={s}" for s in ("working", "converted", "new")],
        "leads, rarest status": [f"{base}&status={rarest}"],
        "leads by owner": [f"{base}&owner={r['owner_id']}" for r in sample[:10]],
        "leads by channel, sorted by name": [f"{base}&channel={r['channel_id']}&ordering=name"
                                             for r in sample[:10]],
        "leads, page 401 (offset 10,000)": [f"{base}&offset=10000"],
        "leads, page 401 (after=next)": [f"{base}&after={quote(cursor)}"],
        "leads, search box (q)": [f"{base}&q={quote(r['company_name'][2:5])}" for r in sample],
        "search, company fragment": [f"/api/v1/search?q={quote(r['company_name'][2:5])}"
                                     for r in sample],
        "search, phone fragment": [f"/api/v1/search?q={quote(r['phone'][-7:])}" for r in sample],
        "search, person name": [f"/api/v1/search?q={quote(r['name'])}" for r in sample],
    }


def captured_sql(paths: list[str], token: str) -> list[list[str]]:
    """The SQL each request runs, as sent to PostgreSQL (parameters bound)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, batches = Client(HTTP_HOST="127.0.0.1"), []
    for path in paths:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, (path, response.status_code)
        # Reads only: the token's last-use stamp (once a minute) is not part of the list.
        batches.append([q["sql"] for q in ctx.captured_queries
                        if q["sql"].lstrip().upper().startswith("SELECT")])
    return batches


def _sql_worker(url, batches, seconds, offset, out):
    import psycopg

    latencies, i = [], offset
    with psycopg.connect(url, autocommit=True) as conn:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            for sql in batches[i % len(batches)]:
                conn.execute(sql.replace("%", "%%")).fetchall()
            latencies.append(time.perf_counter() - started)
            i += 1
    out.put(latencies)


def run_sql(url, batches, seconds, connections) -> dict:
    out = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_sql_worker,
                                       args=(url, batches, seconds, n, out))
               for n in range(connections)]
    for w in workers:
        w.start()
    latencies = sorted(x for _ in workers for x in out.get())
    for w in workers:
        w.join()

    def pct(p):
        return latencies[min(len(latencies) - 1, round(p / 100 * (len(latencies) - 1)))] * 1000

    return {"p50": pct(50), "p95": pct(95), "p99": pct(99), "rps": len(latencies) / seconds}


def run_wrk(port, paths, token, seconds, connections) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (", ".join(json.dumps(p) for p in paths), token))
    result = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
         "--timeout", "10s", "-s", script.name, f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True)
    os.unlink(script.name)
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    if stats["errors"] or stats["non2xx"]:
        raise SystemExit(f"wrk saw errors: {stats}\n{result.stdout}")
    return {"p50": stats["p50"] / 1000, "p95": stats["p95"] / 1000, "p99": stats["p99"] / 1000,
            "rps": stats["requests"] / seconds}


def start_server(workers: int) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        raise SystemExit("gunicorn is missing: .venv/bin/pip install gunicorn")
    server = subprocess.Popen(
        [gunicorn, "valuecrm.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env={**os.environ, "DB_CONN_MAX_AGE": "600"})
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def page_times(users) -> dict[str, float]:
    """Median server time of the lead list page (full page, 25 rows) per role, in ms."""
    from django.test import Client

    result = {}
    for role, user in users.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for label, query in (("", ""), (", sorted by name", "?sort=name"),
                             (", searched", "?q=科技")):
            times = []
            for _ in range(5):
                started = time.perf_counter()
                assert client.get(f"/leads/{query}").status_code == 200
                times.append((time.perf_counter() - started) * 1000)
            result[f"{role}{label}"] = statistics.median(times)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--role", default="manager", choices=["admin", "manager", "rep"])
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    import django

    django.setup()
    from django.db import connection

    from valuecrm.crm.models import Lead
    from valuecrm.org.actions import create_api_token
    from valuecrm.org.models import ApiToken, User

    users = {r: User.objects.get(username=r) for r in ("admin", "manager", "rep")}
    user = users[args.role]
    _record, token = create_api_token(actor=None, user=user, name="bench_api",
                                      scope=ApiToken.Scope.READ)
    url = os.environ["DATABASE_URL"]
    print(f"{connection.vendor}, {Lead.objects.count():,} leads "
          f"({Lead.objects.visible_to(user).count():,} visible to {args.role}); "
          f"wrk {args.connections} connections x {args.duration} s, gunicorn "
          f"{args.workers} workers; SQL: {args.connections} processes")
    print(f"{'scenario':34} {'API p50/p95/p99 ms':>22} {'req/s':>6} | "
          f"{'SQL p50/p95/p99 ms':>20} {'req/s':>6} | p95 ratio")
    server, port = start_server(args.workers)
    try:
        plan = scenarios(user)
        # Workers import the app and open connections on their first requests: not measured.
        run_wrk(port, plan["leads, newest first"], token, 5, args.connections)
        for name, paths in plan.items():
            if args.only and args.only not in name:
                continue
            batches = captured_sql(paths, token)
            api = run_wrk(port, paths, token, args.duration, args.connections)
            sql = run_sql(url, batches, args.duration, args.connections)
            print(f"{name:34} {api['p50']:6.1f} {api['p95']:6.1f} {api['p99']:7.1f} "
                  f"{api['rps']:6.0f} | {sql['p50']:6.1f} {sql['p95']:6.1f} {sql['p99']:6.1f} "
                  f"{sql['rps']:6.0f} | {api['p95'] / sql['p95']:5.2f}", flush=True)
    finally:
        server.terminate()
        server.wait()
        ApiToken.objects.filter(name="bench_api").delete()
    print("lead list page, server time (median of 5, ms):")
    for label, ms in page_times(users).items():
        print(f"  {label:28} {ms:7.1f}")


if __name__ == "__main__":
    main()
