"""The pool sweep as a periodic background task (see core/periodic.py); `valuecrm pool
sweep` does one sweep for those who prefer cron."""

from django_tasks import task

from valuecrm.core.periodic import reschedule
from valuecrm.pool.actions import sweep_pools


@task()
def sweep_pools_task() -> dict:
    result = sweep_pools()
    reschedule(sweep_pools_task)
    return {"at": result.at.isoformat(), "recycled": result.total}
