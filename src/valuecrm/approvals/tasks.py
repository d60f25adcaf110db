"""SLA reminders, run by `valuecrm worker` every APPROVAL_REMIND_INTERVAL_SECONDS
(or `valuecrm approvals remind` by cron)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from valuecrm.approvals.actions import remind_overdue


@task()
def remind_overdue_task() -> dict:
    reminded = remind_overdue()
    schedule_reminders()
    return {"reminded": reminded}


def schedule_reminders() -> None:
    """Make sure exactly one future reminder run is waiting (idempotent)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=remind_overdue_task.module_path)
    if waiting.exists():
        return
    run_after = timezone.now() + timedelta(seconds=settings.APPROVAL_REMIND_INTERVAL_SECONDS)
    transaction.on_commit(lambda: remind_overdue_task.using(run_after=run_after).enqueue())
