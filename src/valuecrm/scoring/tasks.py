"""The scoring job, run by the django-tasks database worker (`valuecrm worker`).

It re-enqueues itself, as the pool sweep does, so one worker keeps scores fresh; cron users
run `valuecrm scoring recompute` instead.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from valuecrm.scoring.actions import recompute_scores

INTERVAL_SECONDS = getattr(settings, "SCORING_INTERVAL_SECONDS", 6 * 3600)


@task()
def recompute_scores_task() -> dict:
    done = recompute_scores()
    schedule_recompute()
    return {"at": timezone.now().isoformat(), **done}


def schedule_recompute() -> None:
    """Make sure exactly one future recompute is waiting (idempotent)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=recompute_scores_task.module_path
    )
    if waiting.exists():
        return
    run_after = timezone.now() + timedelta(seconds=INTERVAL_SECONDS)
    transaction.on_commit(lambda: recompute_scores_task.using(run_after=run_after).enqueue())
