"""Scheduled sending and conversion measurement as a periodic task (core/periodic.py);
`valuecrm campaigns send-due` does the same from cron."""

from django_tasks import task

from valuecrm.campaigns.actions import send_due_campaigns
from valuecrm.core.periodic import reschedule


@task()
def send_due_campaigns_task() -> dict:
    sent = send_due_campaigns()
    reschedule(send_due_campaigns_task)
    return {"sent": sent}
