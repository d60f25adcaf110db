"""A failure in the middle of an import, a merge or a sweep (here: the database connection
lost) leaves nothing half-written, and running it again completes."""

import io
from unittest import mock

import pytest
from django.db import OperationalError

from valuecrm.crm.models import Customer
from valuecrm.dataio import writes
from valuecrm.dataio.actions import ImportOptions, import_records
from valuecrm.dedup import merge
from valuecrm.pool import actions as pool_actions
from valuecrm.security.tests.conftest import cold_customers, customers_csv, fingerprint

LOST = OperationalError("server closed the connection unexpectedly")


def _without_import_log(found):
    return {k: v for k, v in found.items() if not k.startswith("dataio.")}


def _fail_on_call(real, n):
    calls = {"count": 0}

    def fake(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == n:
            raise LOST
        return real(*args, **kwargs)
    return fake


def test_an_import_cut_off_midway_writes_nothing_and_a_rerun_completes(org):
    data = customers_csv(10)
    options = ImportOptions(file_name="big.csv", batch_size=3)
    before = fingerprint()
    # The third batch's write fails, whichever way it writes (COPY on PostgreSQL,
    # bulk_create on SQLite), after two batches were written.
    real = writes.insert
    with mock.patch.object(writes, "insert", _fail_on_call(real, 3)):
        result = import_records(actor=org.admin, kind="customers", source=io.BytesIO(data),
                                options=options)
    assert not result.ok and "database" in result.errors[0].message
    assert _without_import_log(fingerprint()) == _without_import_log(before)
    result = import_records(actor=org.admin, kind="customers", source=io.BytesIO(data),
                            options=options)
    assert result.ok and result.created == 10


def test_a_merge_cut_off_midway_changes_nothing(records, org):
    survivor, other = records["rep_a"].customer, Customer.objects.create(
        name="rep_a 客户有限公司 (重复)", owner=org.rep_a)
    before = fingerprint()
    with mock.patch.object(merge, "_move_relations", side_effect=LOST), \
            pytest.raises(OperationalError):
        merge.merge_customers(actor=org.rep_a, survivor_id=survivor.pk, merged_ids=[other.pk])
    assert fingerprint() == before
    merge.merge_customers(actor=org.rep_a, survivor_id=survivor.pk, merged_ids=[other.pk])
    assert not Customer.objects.filter(pk=other.pk).exists()


def test_a_sweep_cut_off_midway_changes_nothing_and_a_rerun_completes(org):
    cold_customers(org)
    before = fingerprint()
    with mock.patch.object(pool_actions, "insert_history_from_select", side_effect=LOST), \
            pytest.raises(OperationalError):
        pool_actions.sweep_pools()
    after = fingerprint()
    after.pop("org.user"), before.pop("org.user")  # the system user may now exist
    after.pop("org.historicaluser", None), before.pop("org.historicaluser", None)
    assert after == before
    assert pool_actions.sweep_pools().total == 3
    assert Customer.objects.filter(name__startswith="冷客户", owner__isnull=True).count() == 3
