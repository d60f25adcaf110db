"""The database really drops the connection in the middle of an import and of a pool sweep:
a second connection terminates the worker's backend (`pg_terminate_backend`) between two
batches. Nothing may be half-written, and running the work again completes.

test_faults.py simulates the same with an exception; here PostgreSQL itself kills the
session, so what is checked is the transaction boundary the server enforces, not ours.
"""

import io
from unittest import mock

import psycopg
import pytest
from django.db import DatabaseError, connection

from valuecrm.crm.models import Customer
from valuecrm.dataio import writes
from valuecrm.dataio.actions import ImportOptions, import_records
from valuecrm.pool import actions as pool_actions
from valuecrm.pool.models import OwnershipChange
from valuecrm.security.tests.conftest import cold_customers, customers_csv

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: SQLite has no server session to terminate"),
]


def _terminate_own_backend() -> None:
    """Kill this test's database session from another connection, as an administrator
    or a failing network would, and wait until the server has done it."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        for _ in range(100):
            alive = other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                  [pid]).fetchone()
            if not alive:
                return
            other.execute("SELECT pg_sleep(0.05)")
        raise AssertionError("the backend survived pg_terminate_backend")


def _cut_before_call(real, n):
    """`real`, except that before its n-th call the connection is cut."""
    calls = {"count": 0}

    def wrapped(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == n:
            _terminate_own_backend()
        return real(*args, **kwargs)
    return wrapped


def _reconnect() -> None:
    """What the next request or job run does: a fresh connection."""
    connection.close()


def test_an_import_whose_connection_is_killed_midway_writes_nothing_and_reruns(org):
    data, options = customers_csv(10), ImportOptions(file_name="big.csv", batch_size=3)
    real = writes.insert
    # Batches 1 and 2 are written inside the import's transaction (by COPY on PostgreSQL);
    # the cut comes before the third.
    with mock.patch.object(writes, "insert", _cut_before_call(real, 3)):
        try:
            result = import_records(actor=org.admin, kind="customers",
                                    source=io.BytesIO(data), options=options)
        except DatabaseError:
            result = None
    assert result is None or not result.ok
    _reconnect()
    assert not Customer.objects.filter(name__startswith="断线客户").exists()
    result = import_records(actor=org.admin, kind="customers", source=io.BytesIO(data),
                            options=options)
    assert result.ok and result.created == 10
    assert Customer.objects.filter(name__startswith="断线客户").count() == 10
    assert Customer.history.filter(name__startswith="断线客户").count() == 10


def test_a_sweep_whose_connection_is_killed_midway_changes_nothing_and_reruns(org):
    cold_customers(org)
    logs_before = OwnershipChange.objects.count()
    history_before = Customer.history.count()
    real = pool_actions.insert_history_from_select
    # The sweep has already moved the customers to the pool in its transaction when the
    # connection dies before their history rows are written.
    with mock.patch.object(pool_actions, "insert_history_from_select",
                           _cut_before_call(real, 1)), pytest.raises(DatabaseError):
        pool_actions.sweep_pools()
    _reconnect()
    assert Customer.objects.filter(name__startswith="冷客户", owner=org.rep_a).count() == 3
    assert OwnershipChange.objects.count() == logs_before
    assert Customer.history.count() == history_before
    assert pool_actions.sweep_pools().total == 3
    assert Customer.objects.filter(name__startswith="冷客户", owner__isnull=True).count() == 3
    assert OwnershipChange.objects.count() == logs_before + 3
