"""The system's own logs through the source registry, scoped to the acting user, and the
upload endpoint."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from valuecrm.process.sources import SOURCES, register_source
from valuecrm.sales.actions import update_opportunity
from valuecrm.sales.models import OpportunityStageChange, Stage


@pytest.fixture
def moved(org, records):
    """rep_a's deal moved through two more stages, a day in each."""
    deal = records[org.rep_a.username].opportunity
    stages = list(Stage.objects.filter(outcome=Stage.Outcome.OPEN).order_by("position"))
    for stage in stages[1:3]:
        update_opportunity(actor=org.rep_a, pk=deal.pk, changes={"stage_id": stage.pk})
    start = timezone.now() - timedelta(days=3)
    for day, change in enumerate(OpportunityStageChange.objects.filter(opportunity=deal)):
        OpportunityStageChange.objects.filter(pk=change.pk).update(
            changed_at=start + timedelta(days=day))
    return deal, stages


def owners(result):
    return {g["value"]: g["cases"] for g in result["risk_factors"][0]["groups"]}


def test_a_reps_analysis_covers_only_their_deals(org, moved, api):
    deal, stages = moved
    result = api(org.rep_a).get("process/sources/opportunities/analysis", risk="owner").json()
    assert result["summary"]["cases"] == 1 and result["summary"]["events"] == 3
    assert owners(result) == {org.rep_a.username: 1}
    first = next(t for t in result["transitions"] if t["from"] == stages[0].name)
    assert first["to"] == stages[1].name and first["mean"] == 86400

    other = api(org.rep_b).get("process/sources/opportunities/analysis", risk="owner").json()
    assert owners(other) == {org.rep_b.username: 1}
    manager = api(org.manager_a).get("process/sources/opportunities/analysis",
                                     risk="owner").json()
    assert owners(manager) == {org.rep_a.username: 1, org.rep_a2.username: 1}
    everyone = api(org.admin).get("process/sources/opportunities/analysis").json()
    assert everyone["summary"]["cases"] == 4


def test_command_line_source_as_a_user(org, moved):
    out = StringIO()
    call_command("process", "analyze", "--source", "opportunities", "--as",
                 org.rep_a.username, "--format", "json", "--risk", "owner", stdout=out)
    assert owners(json.loads(out.getvalue())) == {org.rep_a.username: 1}


def test_unknown_source_and_anonymous(org, api):
    response = api(org.admin).get("process/sources/orders-typo/analysis")
    assert response.status_code == 404 and "opportunities" in response.json()["detail"]
    assert api(None).get("process/sources/opportunities/analysis").status_code == 401


def test_registering_a_source_is_one_call(org, records, api):
    def approvals(user):
        yield ("ap1", "submitted", "2025-01-01T09:00:00+08:00", "x")
        yield ("ap1", "approved", "2025-01-02T09:00:00+08:00", "y")

    register_source("approvals-test", "Approvals", approvals)
    try:
        listed = api(org.rep_a).get("process/sources").json()
        assert {"name": "approvals-test", "label": "Approvals"} in listed
        result = api(org.rep_a).get("process/sources/approvals-test/analysis").json()
        assert result["lead_time"]["max"] == 86400
    finally:
        SOURCES.pop("approvals-test")


def upload(api_client, content: bytes, **fields):
    return api_client.client.post("/api/v1/process/analyze", {
        "file": SimpleUploadedFile("log.csv", content), **fields}, **api_client.headers)


def test_upload_a_csv_with_column_names(org, api):
    content = (b"id,step,when\n1,a,2025-01-01 09:00\n1,b,2025-01-01 11:00\n"
               b"2,a,2025-01-01 09:00\n")
    response = upload(api(org.rep_a), content, case="id", activity="step", timestamp="when",
                      target="1h")
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["summary"]["cases"] == 2
    assert result["transitions"][0] | {"p90": None} == {
        "from": "a", "to": "b", "count": 1, "mean": 7200.0, "median": 7200.0, "p90": None,
        "total": 7200.0}
    assert result["target"]["cases"] == 1


def test_upload_errors_name_the_row(org, api):
    response = upload(api(org.rep_a), b"id,step,when\n1,a,2025-01-01\n1,b,\n", case="id",
                      activity="step", timestamp="when")
    assert response.status_code == 422
    assert response.json()["errors"]["timestamp"] == ["Row 3: the timestamp is empty."]
    response = upload(api(org.rep_a), b"id,step,when\n", case="id", activity="step",
                      timestamp="nope")
    assert response.status_code == 422 and "No column 'nope'" in str(response.json())
