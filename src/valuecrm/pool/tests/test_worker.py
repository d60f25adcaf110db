"""The worker keeps one future sweep scheduled and runs it when due.

Transactional tests: the worker closes database connections between tasks, as a real
worker process does, which a test wrapped in one transaction cannot survive.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from valuecrm.pool.tasks import sweep_pools_task
from valuecrm.pool.tests.test_sweep import _owned


def _waiting():
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY,
                                       task_path=sweep_pools_task.module_path)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_schedules_exactly_one_future_sweep():
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    assert _waiting().count() == 1
    assert _waiting().get().run_after is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_due_sweep_runs_and_schedules_the_next(org, no_activity_rule):
    _owned(org.rep_a, "冷客户", taken_days_ago=90, last_activity_days_ago=45)
    sweep_pools_task.enqueue()
    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    done = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).get()
    assert done.return_value["recycled"] == 1
    assert _waiting().count() == 1
