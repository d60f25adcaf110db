"""The metric engine through the API and `valuecrm metrics list|show`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_api_lists_the_catalog(book, org, api):
    response = api(org.rep_a).get("/metrics")
    assert response.status_code == 200
    keys = {m["key"] for m in response.json()["items"]}
    assert {"contract_amount", "calls_per_rep"} <= keys


def test_api_values_by_month_and_team_within_scope(book, org, api):
    response = api(org.head_east).get("/metrics/contract_amount/values", **{
        "from": "2025-01-01", "to": "2025-03-31", "grain": "month", "by": "team"})
    assert response.status_code == 200
    body = response.json()
    assert {(t["dims"]["team"]["label"], t["value"]) for t in body["totals"]} == {
        ("上海一组", 150000), ("杭州组", 30000)}
    assert len(body["rows"]) == 6
    mine = api(org.rep_b).get("/metrics/contract_amount/values",
                              **{"from": "2025-01-01", "to": "2025-03-31"}).json()
    assert mine["totals"][0]["value"] == 30000


def test_api_refuses_bad_requests(book, org, api):
    client = api(org.admin)
    assert client.get("/metrics/nothing/values", **{"from": "2025-01-01",
                                                    "to": "2025-01-31"}).status_code == 404
    bad = client.get("/metrics/active_reps/values",
                     **{"from": "2025-01-01", "to": "2025-01-31", "by": "channel"})
    assert bad.status_code == 422 and "by" in bad.json()["errors"]
    assert api(None).get("/metrics").status_code == 401


def test_api_drill_down(book, org, api):
    response = api(org.admin).get("/metrics/contract_amount/records", **{
        "from": "2025-01-01", "to": "2025-03-31", "grain": "month", "period": "2025-01-01",
        "dim": f"team:{org.team_a.pk}"})
    assert response.status_code == 200
    body = response.json()
    assert body["model"] == "sales.Contract" and body["count"] == 2
    assert {item["label"] for item in body["items"]} == {"C1", "C2"}
    scoped = api(org.rep_c).get("/metrics/contract_amount/records",
                                **{"from": "2025-01-01", "to": "2025-03-31"}).json()
    assert [item["label"] for item in scoped["items"]] == ["C4"]


def show(*args):
    out = StringIO()
    call_command("metrics", "show", *args, stdout=out)
    return out.getvalue()


def test_cli_show_in_every_format(book, org):
    table = show("contract_amount", "--from", "2025-01-01", "--to", "2025-03-31",
                 "--grain", "month", "--by", "team")
    assert "上海一组" in table and "150,000" in table
    data = json.loads(show("win_rate", "--from", "2025-01-01", "--to", "2025-03-31",
                           "--format", "json", "--as", "rep_b"))
    assert data["totals"][0]["value"] == 0.0
    csv_text = show("calls", "--from", "2025-01-01", "--to", "2025-02-28", "--grain",
                    "month", "--format", "csv")
    assert csv_text.splitlines() == ["period,value", "2025-01-01,3", "2025-02-01,1",
                                     "total,4"]


def test_cli_list_and_errors(book, org):
    out = StringIO()
    call_command("metrics", "list", stdout=out)
    assert "contract_amount" in out.getvalue() and "签约额" in out.getvalue()
    with pytest.raises(CommandError, match="No metric 'nope'"):
        show("nope", "--from", "2025-01-01", "--to", "2025-01-31")
    with pytest.raises(CommandError, match="No active user"):
        show("calls", "--from", "2025-01-01", "--to", "2025-01-31", "--as", "ghost")
