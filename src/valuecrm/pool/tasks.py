"""Background work of the pool, run by the django-tasks database worker (`valuecrm worker`).

The sweep re-enqueues itself for the next run, so one `valuecrm worker` keeps pools swept
without cron; `valuecrm pool sweep` does one sweep for those who prefer cron.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from valuecrm.pool.actions import sweep_pools


@task()
def sweep_pools_task() -> dict:
    result = sweep_pools()
    schedule_sweep()
    return {"at": result.at.isoformat(), "recycled": result.total}


def schedule_sweep() -> None:
    """Make sure exactly one future sweep is waiting (idempotent)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=sweep_pools_task.module_path
    )
    if waiting.exists():
        return
    run_after = timezone.now() + timedelta(seconds=settings.POOL_SWEEP_INTERVAL_SECONDS)
    transaction.on_commit(lambda: sweep_pools_task.using(run_after=run_after).enqueue())
