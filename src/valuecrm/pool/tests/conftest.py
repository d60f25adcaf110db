from datetime import timedelta

import pytest
from django.utils import timezone

from valuecrm.crm.models import Customer
from valuecrm.pool.models import Pool, RecycleRule


@pytest.fixture
def east_pool(org) -> Pool:
    """The east department's pool: reps of teams A and B claim from it, team C cannot."""
    return Pool.objects.create(
        name="华东公海", unit=org.east, daily_claim_limit=2, max_held=5, reclaim_cooldown_days=7,
        warn_days=3,
    )


@pytest.fixture
def pooled(east_pool):
    """Three customers waiting in the east pool."""
    return [
        Customer.objects.create(name=f"公海客户{i}", name_key=f"gh{i}", pool=east_pool)
        for i in range(3)
    ]


@pytest.fixture
def no_activity_rule(east_pool) -> RecycleRule:
    return RecycleRule.objects.create(pool=east_pool, kind=RecycleRule.Kind.NO_ACTIVITY, days=30)


def days_ago(n: float):
    return timezone.now() - timedelta(days=n)
