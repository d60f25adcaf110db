"""Seeded random activities for the rollup tests, and the rollups as they must be: the raw
rows grouped in Python (local day, owner, kind, on a customer or not; local month, owner,
customer)."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from valuecrm.crm.models import Activity, Customer, Lead
from valuecrm.metrics.models import ActivityCustomerMonth, ActivityDay

START, END = date(2025, 1, 1), date(2025, 3, 31)
KINDS = [k.value for k in Activity.Kind]


def subjects(org):
    reps = org.reps
    customers = [Customer.objects.create(name=f"R{rep.pk}-{i}", owner=rep,
                                         region=["上海", "成都"][i])
                 for rep in reps for i in range(2)]
    leads = [Lead.objects.create(name=f"RL{rep.pk}", owner=rep) for rep in reps]
    return reps, customers, leads


def random_activity(rng, reps, customers, leads) -> Activity:
    # Any minute of the day: late UTC evenings are the next local day in Asia/Shanghai,
    # and a few activities fall just outside the quarter on either side.
    day = START - timedelta(days=2) + timedelta(days=rng.randrange(95))
    when = timezone.make_aware(datetime.combine(day, datetime.min.time()), UTC) + (
        timedelta(minutes=rng.randrange(24 * 60)))
    on_customer = rng.random() < 0.6
    return Activity(
        kind=rng.choice(KINDS), owner=rng.choice(reps), started_at=when,
        customer=rng.choice(customers) if on_customer else None,
        lead=None if on_customer else rng.choice(leads),
        duration_seconds=rng.choice([None, 0, *range(30, 900, 37)]))


def expected_rollup() -> dict:
    count, seconds = Counter(), Counter()
    for a in Activity.objects.all():
        key = (timezone.localtime(a.started_at).date(), a.owner_id, a.kind,
               a.customer_id is None)
        count[key] += 1
        seconds[key] += a.duration_seconds or 0
    return {key: (n, seconds[key]) for key, n in count.items()}


def actual_rollup() -> dict:
    return {(r.day, r.owner_id, r.kind, r.customer_isnull): (r.n, r.duration_seconds)
            for r in ActivityDay.objects.all()}


def expected_customer_months() -> Counter:
    return Counter((timezone.localtime(a.started_at).date().replace(day=1), a.owner_id,
                    a.customer_id) for a in Activity.objects.filter(customer__isnull=False))


def actual_customer_months() -> dict:
    return {(r.month, r.owner_id, r.customer_id): r.n
            for r in ActivityCustomerMonth.objects.all()}


def assert_exact():
    """Both activity rollups equal the raw rows grouped, with no empty or negative row."""
    assert actual_rollup() == expected_rollup()
    assert actual_customer_months() == dict(expected_customer_months())


def make_activities(rng, reps, customers, leads, n=150) -> list[Activity]:
    return Activity.objects.bulk_create(
        random_activity(rng, reps, customers, leads) for _ in range(n))


def seeded(seed: int) -> random.Random:
    return random.Random(seed)
