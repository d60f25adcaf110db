"""Several reps claiming the same customer at the same moment: exactly one gets it.

Runs real concurrent connections (one thread each) against the test database, on
PostgreSQL and on SQLite (a file database, so threads do not share one connection).
"""

import threading

import pytest
from django.db import connection

from valuecrm.core.errors import Conflict
from valuecrm.crm.models import Customer
from valuecrm.org.models import Role, User
from valuecrm.pool.actions import claim_customer
from valuecrm.pool.models import OwnershipChange


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_exactly_one_of_many_simultaneous_claims_wins(org, pooled):
    claimants = [
        User.objects.create_user(username=f"racer{i}", role=Role.REP, unit=org.team_a)
        for i in range(6)
    ]
    target = pooled[0].pk
    start = threading.Barrier(len(claimants))
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim(user):
        try:
            start.wait()
            claim_customer(actor=user, customer_id=target)
            result = "won"
        except Conflict as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim, args=(u,)) for u in claimants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["already_claimed"] * 5 + ["won"]
    winner = Customer.objects.get(pk=target).owner
    assert winner in claimants
    assert list(OwnershipChange.objects.filter(customer_id=target).values_list(
        "to_owner", flat=True)) == [winner.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_claims_by_one_rep_cannot_overrun_the_daily_limit(org, pooled, east_pool):
    east_pool.daily_claim_limit = 1
    east_pool.save()
    start = threading.Barrier(len(pooled))
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim(customer):
        try:
            start.wait()
            claim_customer(actor=org.rep_a, customer_id=customer.pk)
            result = "won"
        except Conflict as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim, args=(c,)) for c in pooled]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["claim_limit_daily"] * 2 + ["won"]
    assert Customer.objects.filter(owner=org.rep_a).count() == 1
