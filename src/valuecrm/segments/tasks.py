"""Tag rules on a schedule (settings.PERIODIC_TASKS); `valuecrm segments apply-rules` runs
them from cron."""

from django_tasks import task

from valuecrm.core.periodic import reschedule
from valuecrm.segments.actions import apply_tag_rules


@task()
def apply_tag_rules_task() -> dict:
    results = apply_tag_rules()
    reschedule(apply_tag_rules_task)
    return results
