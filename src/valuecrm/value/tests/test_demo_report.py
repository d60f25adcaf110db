"""On the tiny demo: the report finds the effects built in after go-live, and no improvement
where none was built in; initiatives, cycles and the backlog tell the same story."""

from valuecrm.org.models import User
from valuecrm.value import queries
from valuecrm.value.cli import report_inputs
from valuecrm.value.models import Initiative, OperationsCycle
from valuecrm.value.report import value_report
from valuecrm.value.tests.conftest import around


def _report(demo, **extra):
    admin = User.objects.get(username="admin")
    baseline, current = around(demo.go_live_date)
    return value_report(actor=admin, baseline=baseline, current=current, **extra)


def test_built_in_improvements_are_found(demo, db):
    report = _report(demo)
    response = report.row("median_first_response_hours")
    assert response.verdict == "improved" and response.test["clear"]
    assert response.current.median["high"] < response.baseline.median["low"]
    assert report.row("calls").verdict == "improved"
    assert report.row("calls_per_rep").verdict == "improved"
    assert any(s.startswith("首次响应时长中位数") and "降至" in s for s in report.narrative["zh"])
    assert any("first response" in s.lower() and "fell" in s for s in report.narrative["en"])
    assert report.total_hours_saved > 0


def test_no_improvement_where_none_was_built_in(demo, db):
    report = _report(demo)
    assert report.row("lead_phone_fill_rate").verdict == "unchanged"
    email = report.row("lead_email_fill_rate")
    assert email.verdict in ("no_clear_change", "unchanged")
    assert email.test["kind"] == "two_proportion_z" and not email.test["significant"]
    assert email.baseline.counts[1] == email.baseline.sample


def test_initiatives_expected_vs_measured_and_drift(demo, db):
    admin = User.objects.get(username="admin")
    inputs = report_inputs(admin, initiatives=list(
        Initiative.objects.values_list("pk", flat=True)))
    report = _report(demo, **inputs)
    by_name = {i["name"]: i for i in report.initiatives}
    assert not by_name["线索自动分配与首响提醒上线"]["drift"]
    email = by_name["线索邮箱必填提醒"]
    assert email["drift"] and email["metrics"][0]["verdict"] != "improved"
    assert any("线索邮箱必填提醒" in s and "未达预期" in s for s in report.narrative["zh"])
    around_launch = {i["name"]: i for i in queries.initiative_results(actor=admin)}
    assert around_launch["线索邮箱必填提醒"]["drift"]
    assert not around_launch["线索自动分配与首响提醒上线"]["drift"]


def test_cycles_show_step_by_step_progress(demo, db):
    admin = User.objects.get(username="admin")
    cycles = queries.cycle_list(actor=admin)
    assert [c["status"] for c in cycles] == ["achieved", "missed"]
    assert cycles[0]["achieved_on"] is not None
    report = _report(demo, cycle=OperationsCycle.objects.order_by("start").first())
    assert report.cycle["status"] == "achieved"


def test_backlog_ranks_by_alignment_and_flags_missing_goals(demo, db):
    rep = User.objects.get(username="admin")
    backlog = queries.requirement_backlog(actor=rep)
    scores = [i["alignment"] for i in backlog]
    assert scores == sorted(scores, reverse=True)
    last = backlog[-1]
    assert last["no_business_goal"] and last["alignment"] == 0
    assert backlog[0]["requirement"].title == "线索自动分配与首响提醒"
    assert queries.requirement_backlog(actor=User.objects.get(username="rep")) == []
