"""The worker's import work: files the import page queues because they are too big to
import while a person waits (`dataio.actions.queue_import`), and the hourly sweep of
abandoned uploads (core/periodic.py; `valuecrm clean_uploads` does it from cron)."""

from pathlib import Path

from django_tasks import task

from valuecrm.core.periodic import reschedule
from valuecrm.dataio.actions import ImportOptions, import_records
from valuecrm.dataio.models import ImportJob
from valuecrm.dataio.uploads import sweep_abandoned_uploads


@task()
def import_file_task(job_id: int, path: str) -> dict:
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    result = import_records(actor=job.actor, kind=job.kind, source=path,
                            options=ImportOptions(**job.options, file_name=job.file_name),
                            job=job)
    if result.ok:
        Path(path).unlink(missing_ok=True)  # a failed file stays for another mapping
    return {"job": job_id, "status": result.status, "created": result.created,
            "updated": result.updated, "errors": result.error_count}


@task()
def sweep_uploads_task() -> dict:
    result = sweep_abandoned_uploads()
    reschedule(sweep_uploads_task)
    return result
