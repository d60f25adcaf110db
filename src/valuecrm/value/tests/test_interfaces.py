"""The value report and the planning records through the paths people use: the CLI, the API
and the page."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from valuecrm.value.models import Requirement


def _range(period):
    return f"{period.start.isoformat()}..{period.end.isoformat()}"


@pytest.mark.parametrize("fmt", ["json", "html", "xlsx"])
def test_cli_writes_each_format(records, org, this_year, tmp_path, fmt):
    baseline, current = this_year
    out = tmp_path / f"report.{fmt}"
    call_command("report", "value", "--baseline", _range(baseline), "--current",
                 _range(current), "--as", "rep_a", "--format", fmt, "-o", str(out),
                 stdout=io.StringIO())
    if fmt == "json":
        data = json.loads(out.read_text(encoding="utf-8"))
        calls = next(r for g in data["groups"] for r in g["rows"] if r["key"] == "calls")
        assert calls["current"]["value"] == 1 and data["generated_for"] == "rep_a"
        assert data["narrative"]["zh"] and data["narrative"]["en"]
    elif fmt == "html":
        text = out.read_text(encoding="utf-8")
        assert "<style>" in text and "@media print" in text and "<script" not in text
        assert "价值报告" in text and 'data-metric="calls"' in text
    else:
        book = load_workbook(out)
        assert {"metrics", "hours_saved", "attribution", "initiatives",
                "narrative"} <= set(book.sheetnames)
        keys = [row[2] for row in book["metrics"].iter_rows(min_row=2, values_only=True)]
        assert "calls" in keys


def test_cli_refuses_bad_periods_and_unknown_units(records, org, this_year, tmp_path):
    baseline, current = this_year
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("report", "value", "--baseline", "2025-01", "--current",
                     _range(current), "-o", str(tmp_path / "x.json"), "--format", "json")
    with pytest.raises(CommandError, match="org unit"):
        call_command("report", "value", "--baseline", _range(baseline), "--current",
                     _range(current), "--org", "999999", "-o", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()


def test_cli_adds_and_lists_requirements(org, records):
    out = io.StringIO()
    call_command("value", "add-requirement", "批量导入客户", "--kind", "essential",
                 "--metric", "customers_created", "--important", "--as", "manager_a",
                 stdout=out)
    assert Requirement.objects.get(title="批量导入客户").owner == org.manager_a
    out = io.StringIO()
    call_command("value", "requirements", "--as", "manager_a", "--format", "json", stdout=out)
    items = json.loads(out.getvalue())
    assert items[0]["title"] == "批量导入客户" and not items[0]["no_business_goal"]
    with pytest.raises(CommandError, match="metric"):
        call_command("value", "add-requirement", "x", "--kind", "core", "--metric", "nope",
                     "--as", "manager_a")


def test_api_planning_records_are_scoped(org, api):
    rep = api(org.rep_a)
    created = rep.post("/value/requirements", {"title": "电话一键外呼", "kind": "essential",
                                               "metric_key": "calls"})
    assert created.status_code == 201, created.content
    req_id = created.json()["id"]
    assert api(org.rep_b).post("/value/initiatives", {
        "name": "外呼", "launch_date": "2025-01-01", "metrics": {"calls": 0.3},
        "requirement_ids": [req_id]}).status_code == 422
    made = rep.post("/value/initiatives", {
        "name": "外呼", "launch_date": "2025-01-01", "metrics": {"calls": 0.3},
        "requirement_ids": [req_id], "estimated_value": "50000"})
    assert made.status_code == 201, made.content
    assert [i["name"] for i in rep.get("/value/initiatives").json()["items"]] == ["外呼"]
    assert api(org.rep_b).get("/value/initiatives").json()["items"] == []
    assert [r["id"] for r in api(org.manager_a).get("/value/requirements").json()["items"]] \
        == [req_id]
    bad = rep.post("/value/initiatives", {"name": "x", "launch_date": "2025-01-01",
                                          "metrics": {"calls": 0}})
    assert bad.status_code == 422
    assert api(org.analyst).post("/value/requirements", {
        "title": "x", "kind": "core"}).status_code == 403
    cycle = api(org.admin).post("/value/cycles", {
        "name": "Q1", "start": "2025-01-01", "end": "2025-03-31", "targets": {"calls": 100}})
    assert cycle.status_code == 201, cycle.content
    assert api(org.admin).get("/value/cycles").json()["items"][0]["status"] == "missed"


def test_api_report_json_and_files(records, org, api, this_year):
    baseline, current = this_year
    client = api(org.rep_a)
    response = client.get("/value/report", baseline=_range(baseline), current=_range(current))
    assert response.status_code == 200
    rows = [r for g in response.json()["groups"] for r in g["rows"]]
    assert next(r for r in rows if r["key"] == "calls")["current"]["value"] == 1
    xlsx = client.get("/value/report", baseline=_range(baseline), current=_range(current),
                      format="xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/value/report", baseline="x", current=_range(current)).status_code == 422
    assert client.get("/value/report", baseline=_range(baseline), current=_range(current),
                      org=org.team_c.pk).status_code == 404


def test_the_page_renders_and_downloads(records, org, client, this_year):
    baseline, current = this_year
    client.force_login(org.manager_a)
    response = client.get("/value/", {"baseline": _range(baseline),
                                      "current": _range(current)})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-metric="calls"' in text and "<style" not in text
    assert client.get("/value/").status_code == 200  # default periods
    assert client.get("/value/", {"baseline": "bad"}).status_code == 422
    download = client.get("/value/", {"baseline": _range(baseline),
                                      "current": _range(current), "format": "json"})
    assert json.loads(download.content)["generated_for"] == "manager_a"
    assert date.fromisoformat(json.loads(download.content)["current"]["from"])
