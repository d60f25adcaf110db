"""The hourly sweep of abandoned import uploads as a periodic task (core/periodic.py);
`valuecrm clean_uploads` does it from cron."""

from django_tasks import task

from valuecrm.core.periodic import reschedule
from valuecrm.dataio.uploads import sweep_abandoned_uploads


@task()
def sweep_uploads_task() -> dict:
    result = sweep_abandoned_uploads()
    reschedule(sweep_uploads_task)
    return result
