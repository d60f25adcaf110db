"""`valuecrm worker` keeps exactly one future run of every periodic task waiting."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_periodic_task_is_scheduled_once():
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert sorted(waiting.values_list("task_path", flat=True)) == sorted(settings.PERIODIC_TASKS)
    assert all(run_after is not None for run_after in waiting.values_list("run_after", flat=True))
