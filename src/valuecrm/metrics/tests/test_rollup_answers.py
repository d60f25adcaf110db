"""Every shipped activity metric answers the same from the rollup as from the raw table
(METRICS_USE_ROLLUPS off) and as the hand-written SQL, in total and by month x team,
within the scope of a rep, a manager and an administrator, on seeded random activities
changed through several write paths; and a query the rollup cannot answer reads the raw
table and is still right."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from valuecrm.crm.models import Activity
from valuecrm.metrics import rollups
from valuecrm.metrics.catalog import get_catalog
from valuecrm.metrics.periods import Span
from valuecrm.metrics.queries import metric_values
from valuecrm.metrics.tests import test_against_sql as hand
from valuecrm.org.models import User

from .rollup_data import END, START, make_activities, seeded, subjects


def activity_metrics() -> list[str]:
    catalog = get_catalog()

    def on_activities(metric) -> bool:
        if metric.kind == "simple":
            return metric.model == "crm.Activity"
        return any(on_activities(catalog.metrics[r]) for r in metric.references())

    return sorted(k for k, m in catalog.metrics.items() if on_activities(m))


# Answered from the rollups whole (per_capita_contract_amount: its denominator).
ROLLED_UP = {"activities", "calls", "call_minutes", "avg_call_minutes", "callers",
             "calls_per_rep", "visits", "active_reps", "customer_follow_ups",
             "customers_followed", "follow_ups_per_customer"}


@pytest.fixture
def changed(org, product):
    """Random activities, then updates across days, owners and kinds, deletes, a bulk
    insert and a raw SQL update; plus contracts for the per-capita metric."""
    from .conftest import _contract

    reps, customers, leads = subjects(org)
    rng = seeded(11)
    made = make_activities(rng, reps, customers, leads, n=200)
    for activity in rng.sample(made, 50):
        activity.started_at += timedelta(hours=rng.randrange(-40, 40))
        activity.owner, activity.kind = rng.choice(reps), rng.choice(["call", "visit"])
        activity.save()
    Activity.objects.filter(pk__in=[a.pk for a in rng.sample(made, 30)]).delete()
    make_activities(rng, reps, customers, leads, n=60)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE crm_activity SET duration_seconds = 120, kind = 'call' "
                       "WHERE id %% 4 = 1 AND owner_id = %s", [reps[2].pk])
    for i, customer in enumerate(customers):
        _contract(f"RC{i}", customer.owner, customer, "new",
                  (START + timedelta(days=11 * i)).isoformat(), str(1000 * (i + 1)), product)
    return org


def run(user, key, use_rollups, settings, start=START, **kwargs):
    settings.METRICS_USE_ROLLUPS = use_rollups
    result = metric_values(user=user, key=key, start=start, end=END, **kwargs)
    return ({(r["period"], tuple(d["id"] for d in r["dims"].values())): _round(r["value"])
             for r in result["rows"]},
            {tuple(d["id"] for d in r["dims"].values()): _round(r["value"])
             for r in result["totals"]})


def _round(value):
    # The hand query divides in SQL floating point, the engine in Decimal.
    return None if value is None else round(float(value), 6)


def hand_value(key, start, end, owners):
    """The hand query of test_against_sql over [start, end], restricted to `owners`."""
    sql = hand.SQL[key]
    ids = ", ".join(str(pk) for pk in owners) or "NULL"
    sql = sql.replace("FROM crm_activity a WHERE", f"FROM crm_activity a WHERE a.owner_id IN "
                      f"({ids}) AND").replace("FROM sales_contract c WHERE",
                                              f"FROM sales_contract c WHERE c.owner_id IN "
                                              f"({ids}) AND")
    bounds = {"d0": start, "d1": end, "t0": _local(start),
              "t1": _local(end + timedelta(days=1))}
    if connection.vendor == "sqlite":
        # SQLite holds UTC text: compare with UTC text, as a person writing it would.
        bounds.update({k: bounds[k].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
                       for k in ("t0", "t1")})
    with connection.cursor() as cursor:
        cursor.execute(sql, bounds)
        return _round(cursor.fetchone()[0])


@pytest.mark.parametrize("who", ["rep_a", "manager_a", "admin"])
@pytest.mark.parametrize("key", activity_metrics())
def test_rollup_equals_raw_and_hand_sql(changed, settings, key, who):
    org = changed
    user = getattr(org, who)
    grouped = {"grain": "month", "by": ["team"]}
    with CaptureQueriesContext(connection) as queries:
        rolled = run(user, key, True, settings, **grouped), run(user, key, True, settings)
    raw = run(user, key, False, settings, **grouped), run(user, key, False, settings)
    assert rolled == raw
    read = " ".join(q["sql"] for q in queries.captured_queries)
    if key in ROLLED_UP:
        assert "metrics_activity" in read and "crm_activity" not in read
    if key not in hand.SQL:
        return
    visible = {"rep_a": User.objects.filter(pk=user.pk),
               "manager_a": User.objects.filter(unit__path__startswith=org.team_a.path),
               "admin": User.objects.all()}[who]
    visible = set(visible.values_list("pk", flat=True))
    (series, _), (totals, _t) = rolled
    [total] = totals.values() or [None]
    assert total == hand_value(key, START, END, visible)
    if hand.SQL[key].count("SELECT") > 1:
        return  # several subqueries (per capita): compared with the raw engine above
    for (period, (team,)), value in series.items():
        month = date.fromisoformat(period)
        members = set(User.objects.filter(unit_id=team).values_list("pk", flat=True))
        end = Span(START, END, "month").period_span(month).end
        expected = hand_value(key, month, end, visible & members)
        # No rows: SQL's SUM is NULL where the engine's zero-filled sum reads 0.
        assert value == expected or (expected is None and value == 0), (period, team)


def test_a_filter_the_rollup_cannot_answer_reads_the_raw_table(changed, settings, channel):
    org = changed
    with CaptureQueriesContext(connection) as queries:
        by_region = run(org.admin, "calls", True, settings, by=["region"])
    assert "crm_activity" in " ".join(q["sql"] for q in queries.captured_queries)
    calls = Activity.objects.filter(kind="call", started_at__gte=_local(START),
                                    started_at__lt=_local(END + timedelta(days=1)))
    expected = {}
    for activity in calls.select_related("customer"):
        region = activity.customer.region if activity.customer else None
        expected[(region,)] = expected.get((region,), 0) + 1
    assert len(expected) == 3
    assert by_region[1] == {k: float(v) for k, v in expected.items()}


def test_distinct_customers_by_day_or_over_part_of_a_month_read_the_raw_table(
        changed, settings):
    org = changed
    for kwargs in ({"grain": "day"}, {"grain": "month", "start": START + timedelta(days=3)}):
        with CaptureQueriesContext(connection) as queries:
            rolled = run(org.admin, "customers_followed", True, settings, **kwargs)
        # The series reads the raw rows (the totals over the whole quarter need not).
        assert "crm_activity" in " ".join(q["sql"] for q in queries.captured_queries)
        assert rolled == run(org.admin, "customers_followed", False, settings, **kwargs)
    # Whole months by region: from the monthly rollup, through the customer.
    with CaptureQueriesContext(connection) as queries:
        rolled = run(org.admin, "customers_followed", True, settings, by=["region"])
    assert "crm_activity" not in " ".join(q["sql"] for q in queries.captured_queries)
    assert rolled == run(org.admin, "customers_followed", False, settings, by=["region"])


def test_another_time_zone_reads_the_raw_table_until_rebuilt(changed, settings):
    org = changed
    local = run(org.admin, "activities", True, settings, grain="day")
    with timezone.override("UTC"):
        with CaptureQueriesContext(connection) as queries:
            utc = run(org.admin, "activities", True, settings, grain="day")
        assert "metrics_activityday" not in " ".join(q["sql"] for q in queries.captured_queries)
        assert utc == run(org.admin, "activities", False, settings, grain="day")
        rollups.rebuild(rollups.ACTIVITY_DAY, time_zone="UTC")
        with CaptureQueriesContext(connection) as queries:
            assert run(org.admin, "activities", True, settings, grain="day") == utc
        assert "metrics_activityday" in " ".join(q["sql"] for q in queries.captured_queries)
    assert utc != local  # the data has activities late in the UTC evening
    assert run(org.admin, "activities", True, settings, grain="day") == local


def _local(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))
