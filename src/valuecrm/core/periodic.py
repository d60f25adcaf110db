"""Periodic background work without cron: each periodic task, when it has run, enqueues its
next run; `valuecrm worker` makes sure one run of each is waiting when it starts.

The tasks and their intervals are listed in settings.PERIODIC_TASKS (task path -> seconds),
so adding a job is one line there and one `reschedule(task)` at the end of the task.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string


def ensure_scheduled(task) -> bool:
    """Enqueue the task's next run unless one is already waiting. True if enqueued."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY,
                                          task_path=task.module_path)
    if waiting.exists():
        return False
    seconds = settings.PERIODIC_TASKS[task.module_path]
    run_after = timezone.now() + timedelta(seconds=seconds)
    transaction.on_commit(lambda: task.using(run_after=run_after).enqueue())
    return True


reschedule = ensure_scheduled


def schedule_all() -> None:
    for path in settings.PERIODIC_TASKS:
        ensure_scheduled(import_string(path))
