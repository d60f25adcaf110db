"""A file too big to import while the person waits goes to the worker: the import page
answers at once with a result page that follows the job, and the worker imports it."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from valuecrm.crm.models import Lead
from valuecrm.dataio.models import ImportJob
from valuecrm.web.tests.test_dataio import BAD, GOOD, _upload

# Transactional: the job is enqueued when the request commits, and the worker runs on
# committed rows (it closes its connections as a real one does).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _import(client, text):
    wizard = _upload(client, text)
    columns = client.get(wizard).context["columns"]
    mapping = {f"col{c['index']}": c["field"] for c in columns}
    done = client.post(wizard, {**mapping, "step": "import"})
    job = ImportJob.objects.get(options__dry_run=False)
    assert done["Location"] == f"/imports/{job.pk}/"
    return wizard, job


def test_a_big_file_is_imported_by_the_worker(org, client, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    client.force_login(org.rep_a)
    wizard, job = _import(client, GOOD)
    assert job.status == ImportJob.Status.RUNNING and Lead.objects.count() == 0
    waiting = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in waiting and "Importing in the background" in waiting
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "valuecrm.dataio.tasks.import_file_task"

    call_command("db_worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportJob.Status.IMPORTED, 2)
    assert set(Lead.objects.values_list("owner__username", flat=True)) == {"rep_a"}
    done = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in done
    assert client.get(wizard).status_code == 404  # the upload is gone once imported


def test_a_big_bad_file_fails_in_the_worker_and_keeps_its_report(org, client, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    client.force_login(org.rep_a)
    wizard, job = _import(client, BAD)
    call_command("db_worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and Lead.objects.count() == 0
    assert client.get(f"/imports/{job.pk}/errors.csv").status_code == 200
    assert client.get(wizard).status_code == 200  # the file waits for another mapping
