"""SLA reminders as a periodic task (core/periodic.py); `valuecrm approvals remind` does it
from cron."""

from django_tasks import task

from valuecrm.approvals.actions import remind_overdue
from valuecrm.core.periodic import reschedule


@task()
def remind_overdue_task() -> dict:
    reminded = remind_overdue()
    reschedule(remind_overdue_task)
    return {"reminded": reminded}
