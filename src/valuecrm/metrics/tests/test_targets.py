"""Targets: cascade checks, attainment as sum of actuals over sum of targets, run-rate
forecast, who is behind, and who may set and see them."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from valuecrm.core.errors import Forbidden, NotFound, ValidationError
from valuecrm.metrics.actions import set_target
from valuecrm.metrics.targets import target_report

from .conftest import END, START


@pytest.fixture
def targets(book, org):
    for unit, value in [(org.company, 250000), (org.east, 200000), (org.west, 50000),
                        (org.team_a, 150000), (org.team_b, 40000)]:
        set_target(actor=org.admin, metric_key="contract_amount", start=START, end=END,
                   value=value, unit_id=unit.pk)
    for rep, value in [(org.rep_a, 100000), (org.rep_a2, 60000)]:
        set_target(actor=org.manager_a, metric_key="contract_amount", start=START, end=END,
                   value=value, user_id=rep.pk)


def nodes(node):
    yield node
    for child in node["children"]:
        yield from nodes(child)


def report(user, **kwargs):
    kwargs.setdefault("today", date(2025, 4, 1))
    return target_report(user=user, metric_key="contract_amount", start=START, end=END,
                         **kwargs)


def test_attainment_cascade_and_who_is_behind(targets, org):
    result = report(org.admin)
    by_label = {n["label"]: n for n in nodes(result["root"])}
    company = by_label["价值科技"]
    assert (company["actual"], company["target"], company["attainment"]) == (
        200000, 250000, Decimal("0.8"))
    assert company["cascade"]["adds_up"] is True
    # East's teams add up to 190000, not its 200000; team a's reps to 160000, not 150000.
    assert by_label["华东大区"]["cascade"] == {"children_sum": 190000, "gap": 10000,
                                             "adds_up": False}
    assert by_label["上海一组"]["cascade"]["gap"] == -10000
    # Team c has no target of its own and no targets below: no attainment.
    assert by_label["成都组"]["target"] is None and by_label["成都组"]["attainment"] is None
    assert by_label["rep_a2"]["attainment"] == Decimal(50000) / Decimal(60000)
    assert {b["label"] for b in result["behind"]} == {
        "价值科技", "华东大区", "西南大区", "杭州组", "rep_a2"}


def test_run_rate_forecast_mid_period(targets, org):
    result = report(org.admin, today=date(2025, 2, 14))  # day 45 of 90
    by_label = {n["label"]: n for n in nodes(result["root"])}
    assert by_label["杭州组"]["forecast"] == 60000
    assert not by_label["杭州组"]["behind"]
    assert report(org.admin, today=date(2024, 12, 1))["root"]["forecast"] is None


def test_parent_attainment_without_own_target_sums_the_childrens(book, org):
    for team, value in [(org.team_a, 100000), (org.team_b, 100000)]:
        set_target(actor=org.head_east, metric_key="contract_amount", start=START, end=END,
                   value=value, unit_id=team.pk)
    east = report(org.head_east)["root"]
    # (150000 + 30000) / (100000 + 100000), not the mean of 150% and 30%.
    assert (east["target"], east["attainment"]) == (200000, Decimal("0.9"))


def test_who_may_set_and_see_targets(book, org):
    with pytest.raises(Forbidden):
        set_target(actor=org.rep_a, metric_key="contract_amount", start=START, end=END,
                   value=1, user_id=org.rep_a.pk)
    with pytest.raises(Forbidden):
        set_target(actor=org.manager_a, metric_key="contract_amount", start=START, end=END,
                   value=1, unit_id=org.team_a.pk)
    with pytest.raises(Forbidden):
        set_target(actor=org.analyst, metric_key="contract_amount", start=START, end=END,
                   value=1, unit_id=org.team_a.pk)
    with pytest.raises(ValidationError, match="counts and sums"):
        set_target(actor=org.admin, metric_key="win_rate", start=START, end=END, value=1,
                   unit_id=org.team_a.pk)
    with pytest.raises(NotFound):
        report(org.manager_a, unit_id=org.west.pk)
    mine = report(org.rep_b)["root"]
    assert (mine["label"], mine["actual"], mine["target"]) == ("rep_b", 30000, None)


def test_target_command_and_api(book, org, api):
    out = StringIO()
    call_command("metrics", "target", "set", "contract_amount", "--period", "2025-Q1",
                 "--value", "40000", "--unit", str(org.team_b.pk), stdout=out)
    assert "40000" in out.getvalue()
    out = StringIO()
    call_command("metrics", "target", "report", "contract_amount", "--period", "2025-Q1",
                 "--unit", str(org.east.pk), "--format", "json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["root"]["children"][1]["target"] == 40000
    response = api(org.head_east).post("/metric-targets", {
        "metric": "contract_amount", "period": "2025-Q1", "value": "150000",
        "unit": org.team_a.pk})
    assert response.status_code == 200
    body = api(org.head_east).get("/metric-targets/contract_amount/report",
                                  period="2025-Q1").json()
    assert body["root"]["target"] == 190000
    assert api(org.rep_a).post("/metric-targets", {
        "metric": "contract_amount", "period": "2025-Q1", "value": "1",
        "unit": org.team_a.pk}).status_code == 403
