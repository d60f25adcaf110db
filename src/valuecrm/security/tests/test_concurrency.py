"""Concurrency on a real database: parallel requests through separate connections.

On PostgreSQL the requests truly overlap; on SQLite writers take turns (IMMEDIATE
transactions), so the same promises must hold there too.
"""

import csv
import io
import json
import threading

import pytest
from django.db import connection
from django.test import Client

from valuecrm.crm.models import Customer
from valuecrm.dataio.actions import ImportOptions, import_records
from valuecrm.org.actions import create_api_token

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PARALLEL = 4


def _in_parallel(work, count=PARALLEL):
    """Run work(i) in `count` threads released together; their results, in order."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_edits_of_one_record_keep_one_and_refuse_the_others(records, org):
    lead = records["rep_a"].lead
    version = lead.version
    keys = [create_api_token(actor=org.rep_a, user=org.rep_a)[1] for _ in range(PARALLEL)]

    def edit(i):
        response = Client().patch(
            f"/api/v1/leads/{lead.pk}",
            json.dumps({"region": f"区域{i}", "version": version}),
            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {keys[i]}")
        return response.status_code, response.json()

    results = _in_parallel(edit)
    statuses = sorted(status for status, _body in results)
    assert statuses == [200] + [409] * (PARALLEL - 1), results
    assert all(body["code"] == "version_conflict" for status, body in results if status == 409)
    lead.refresh_from_db()
    winner = next(body for status, body in results if status == 200)
    assert lead.region == winner["region"] and lead.version == version + 1
    # History has exactly the one accepted change.
    assert lead.history.filter(region__startswith="区域").count() == 1


def _customers_csv(names):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["客户名称", "负责人", "手机"])
    for n in names:
        writer.writerow([f"并发客户{n}有限公司", "rep_a", f"1391234{n:04d}"])
    return buffer.getvalue().encode()


def test_concurrent_imports_of_overlapping_files_create_no_duplicates(org):
    # Each file shares most rows with the others.
    files = [_customers_csv(range(i * 2, i * 2 + 10)) for i in range(PARALLEL)]

    def run(i):
        return import_records(actor=org.admin, kind="customers", source=io.BytesIO(files[i]),
                              options=ImportOptions(file_name=f"{i}.csv", on_duplicate="skip"))

    results = _in_parallel(run)
    assert all(not isinstance(r, Exception) for r in results), results
    assert all(r.ok for r in results), [r.errors for r in results]
    names = list(Customer.objects.filter(name__startswith="并发客户").values_list("name",
                                                                              flat=True))
    assert len(names) == len(set(names)) == (PARALLEL - 1) * 2 + 10
    assert sum(r.created for r in results) == len(names)
