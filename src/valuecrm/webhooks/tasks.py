"""The worker's side of webhooks: send what is due, then wake again for the next retry."""

from django_tasks import task

from valuecrm.webhooks.actions import deliver_due, next_due_at


@task()
def deliver_webhooks_task() -> dict:
    counts = deliver_due()
    upcoming = next_due_at()
    if upcoming is not None and counts["retrying"]:
        deliver_webhooks_task.using(run_after=upcoming).enqueue()
    return counts
