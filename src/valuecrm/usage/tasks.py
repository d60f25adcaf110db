"""The daily retention purge, run by `valuecrm worker` (or `valuecrm usage purge` by cron)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from valuecrm.usage.actions import purge_usage


@task()
def purge_usage_task() -> dict:
    result = purge_usage()
    schedule_purge()
    return result


def schedule_purge() -> None:
    """Make sure exactly one future purge is waiting (idempotent)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=purge_usage_task.module_path)
    if waiting.exists():
        return
    run_after = timezone.now() + timedelta(days=1)
    transaction.on_commit(lambda: purge_usage_task.using(run_after=run_after).enqueue())
