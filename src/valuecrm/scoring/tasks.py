"""The scoring job, run by the django-tasks database worker (`valuecrm worker`).

It re-enqueues itself, as the pool sweep does, so one worker keeps scores fresh; cron users
run `valuecrm scoring recompute` instead.
"""

from django.utils import timezone
from django_tasks import task

from valuecrm.core.periodic import reschedule
from valuecrm.scoring.actions import recompute_scores


@task()
def recompute_scores_task() -> dict:
    done = recompute_scores()
    reschedule(recompute_scores_task)
    return {"at": timezone.now().isoformat(), **done}
