"""The daily retention purge as a periodic task (core/periodic.py); `valuecrm usage purge`
does it from cron."""

from django_tasks import task

from valuecrm.core.periodic import reschedule
from valuecrm.usage.actions import purge_usage


@task()
def purge_usage_task() -> dict:
    result = purge_usage()
    reschedule(purge_usage_task)
    return result
