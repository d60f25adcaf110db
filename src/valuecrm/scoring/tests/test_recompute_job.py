"""The recompute runs from the worker and counts history in SQL, whatever its size."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from valuecrm.scoring import actions
from valuecrm.scoring.models import Score
from valuecrm.scoring.tasks import recompute_scores_task


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_history_is_counted_in_sql_not_row_by_row(
    org, channel, fair, vip, make_history, monkeypatch
):
    monkeypatch.setattr(actions, "MIN_CLOSED", 2)
    monkeypatch.setattr(actions, "MIN_EACH_OUTCOME", 1)
    h = make_history(org.rep_a)
    h.lead("new", channel=channel)
    for _ in range(3):
        h.lead("won", channel=channel, tags=[vip])
        h.lead("lost", channel=fair)
    actions.recompute_scores()  # the first run creates the stored tables
    few = _queries(actions.recompute_scores)
    for _ in range(20):
        h.lead("won", channel=fair, tags=[vip], region="上海")
        h.lead("lost", channel=channel, industry="零售")
    assert _queries(actions.recompute_scores) == few


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_recomputes_and_schedules_the_next_run(org, channel, make_history):
    lead = make_history(org.rep_a).lead("new", channel=channel)
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY,
                                          task_path=recompute_scores_task.module_path)
    assert waiting.count() == 1 and waiting.get().run_after is not None
    recompute_scores_task.enqueue()
    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    done = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL,
                                    task_path=recompute_scores_task.module_path)
    assert done.return_value["lead"] == 1
    assert Score.objects.filter(lead=lead).exists()
    assert waiting.count() == 1


def test_show_reports_thin_history(org, records):
    out = StringIO()
    call_command("scoring", "recompute", stdout=out)
    call_command("scoring", "show", stdout=out)
    assert "lead: 4 open records scored" in out.getvalue()
    assert "prior only (thin history)" in out.getvalue()
