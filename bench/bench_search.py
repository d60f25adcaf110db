"""Global search over N leads (default 100,000) on PostgreSQL: p50/p95 per kind of query.

ValueCRM: `search_records(actor=…, query=…, kinds=["lead"])` — folds the query, applies the
caller's data scope (`visible_to`), `search_text LIKE '%q%'` (trigram GIN index), newest 10.
Reference: the same query written by hand as one SQL statement on the same index, so the
ratio is the cost of the ORM, scope and presentation layers.
Queries are drawn from the generated data: 2- and 3-character Chinese fragments, full
pinyin, initials, phone fragments and email fragments, as a rep, a manager and an admin.

    BENCH_DATABASE_URL=postgres://…/my_bench .venv/bin/python bench/bench_search.py \
        [--leads 100000] [--queries 40]
"""

import argparse
import random
import statistics
import time

from common import setup_django

SHORT_QUERY = 2  # valuecrm.core.search.SHORT_QUERY (Django is set up only in main)


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def populate(n: int, reps, now) -> list[dict]:
    from django.db import connection
    from faker import Faker

    from valuecrm.core.normalize import normalize_company
    from valuecrm.core.search import build_search_text

    fake = Faker("zh_CN")
    Faker.seed(4)
    rows, samples = [], []
    for i in range(n):
        name, company = fake.name(), fake.company()
        phone = "+86" + fake.phone_number()
        email = f"{fake.user_name()}{i}@{fake.free_email_domain()}"
        text = build_search_text(names=[name, company], phones=[phone], emails=[email])
        owner = reps[i % len(reps)]
        rows.append((name, company, normalize_company(company), phone, email, "", "", "new",
                     "", owner.pk, now, now, 1, text))
        if i % (n // 200 or 1) == 0:
            samples.append({"name": name, "company": company, "phone": phone, "email": email,
                            "text": text, "owner": owner})
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO crm_lead (name, company_name, company_key, phone, email, region, "
            "industry, status, disqualify_reason, owner_id, created_at, updated_at, version, "
            "search_text) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        cursor.execute("VACUUM ANALYZE crm_lead")
    return samples


def queries_from(samples: list[dict], count: int) -> dict[str, list[tuple]]:
    rnd = random.Random(7)
    picked = rnd.sample(samples, min(count, len(samples)))
    parts = lambda s: s["text"].split()  # noqa: E731 - [name, pinyin, initials, company, …]
    return {
        "chinese 2 chars": [(s["name"][-2:], s) for s in picked],
        "chinese 3 chars": [(s["company"][2:5], s) for s in picked],
        "full pinyin": [(parts(s)[1], s) for s in picked],
        "initials": [(parts(s)[2], s) for s in picked],
        "phone fragment": [(s["phone"][-7:], s) for s in picked],
        "email fragment": [(s["email"].split("@")[0][:6], s) for s in picked],
    }


RAW = {
    "rep": "AND l.owner_id = %(user)s",
    "manager": "AND u.unit_id IN (SELECT id FROM org_orgunit WHERE path LIKE %(path)s)",
    "admin": "",
}


def raw_search(cursor, role: str, folded: str, user) -> list:
    # The same pattern as core.search.search_filter: short queries match word starts.
    pattern = f"% {folded}%" if len(folded) <= SHORT_QUERY else f"%{folded}%"
    join = "JOIN org_user u ON u.id = l.owner_id" if role == "manager" else ""
    cursor.execute(
        f"SELECT l.id, l.name, l.company_name, l.phone, l.email, l.owner_id FROM crm_lead l "
        f"{join} WHERE l.deleted_at IS NULL {RAW[role]} AND l.search_text LIKE %(q)s "
        f"ORDER BY l.id DESC LIMIT 11",
        {"user": user.pk, "path": (user.unit.path if user.unit_id else "") + "%",
         "q": pattern},
    )
    return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40, help="Queries per kind and role.")
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.utils import timezone

    from valuecrm.core.search import fold_query
    from valuecrm.org.models import OrgUnit, Role, User
    from valuecrm.search.queries import search_records

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE crm_lead, crm_historicallead, org_user, org_orgunit CASCADE")
    company = OrgUnit.objects.create(name="bench", kind="company")
    dept = OrgUnit.objects.create(name="dept", kind="department", parent=company)
    teams = [OrgUnit.objects.create(name=f"team{t}", kind="team", parent=dept) for t in range(5)]
    reps = [User.objects.create(username=f"rep{i}", role=Role.REP, unit=teams[i % 5])
            for i in range(50)]
    manager = User.objects.create(username="manager", role=Role.MANAGER, unit=teams[0])
    admin = User.objects.create(username="admin", role=Role.ADMIN)
    started = time.perf_counter()
    samples = populate(args.leads, reps, timezone.now())
    print(f"leads={args.leads} generated in {time.perf_counter() - started:.0f} s; "
          f"{args.queries} queries per kind and role; times in ms (p50 / p95)")

    for kind, queries in queries_from(samples, args.queries).items():
        for role in ("rep", "manager", "admin"):
            ours_t, raw_t = [], []
            for query, sample in queries:
                user = {"rep": sample["owner"], "manager": manager, "admin": admin}[role]
                t0 = time.perf_counter()
                groups = search_records(actor=user, query=query, kinds=["lead"], limit=10)
                t1 = time.perf_counter()
                with connection.cursor() as cursor:
                    rows = raw_search(cursor, role, fold_query(query), user)
                t2 = time.perf_counter()
                assert len(groups[0].hits) == min(len(rows), 10), (query, role)
                ours_t.append(t1 - t0)
                raw_t.append(t2 - t1)
            (o50, o95), (r50, r95) = percentiles(ours_t), percentiles(raw_t)
            print(f"{kind:16} {role:8} valuecrm {o50:7.1f} / {o95:7.1f} | "
                  f"raw SQL {r50:7.1f} / {r95:7.1f} | p95 ratio {o95 / r95:.2f}")


if __name__ == "__main__":
    main()
