"""Due notices (recycle warnings, overdue payments) as a periodic task (core/periodic.py)."""

from django_tasks import task

from valuecrm.core.periodic import reschedule
from valuecrm.notifications.jobs import send_due_notices


@task()
def send_due_notices_task() -> dict:
    created = send_due_notices()
    reschedule(send_due_notices_task)
    return {"created": created}
