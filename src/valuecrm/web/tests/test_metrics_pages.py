"""Analysis pages: the explorer (chart, table, CSV), targets, trees, funnel and channels,
each computed by the metrics engine or scoring within the reader's scope."""

import json
from datetime import date
from html import unescape

from django.utils import timezone

from valuecrm.metrics.actions import set_target


def _chart(response, element_id):
    html = response.content.decode()
    start = html.index(f'data-chart="{element_id}" data-option="') + len(
        f'data-chart="{element_id}" data-option="')
    return json.loads(unescape(html[start:html.index('"', start)]))


def _year():
    today = timezone.localdate()
    return {"start": today.replace(month=1, day=1).isoformat(), "end": today.isoformat()}


def test_explorer_draws_a_metric_by_owner_within_scope(records, org, client):
    client.force_login(org.manager_a)
    response = client.get("/metrics/", {"metric": "leads_created", **_year(), "grain": "month",
                                        "by": "owner"})
    assert response.status_code == 200
    totals = {row["dims"]["owner"]["label"]: row["value"]
              for row in response.context["result"]["totals"]}
    assert set(totals) == {str(org.rep_a), str(org.rep_a2)}  # team A only
    chart = _chart(response, "explorer-chart")
    assert {s["name"] for s in chart["series"]} == set(totals)


def test_explorer_csv_and_bad_combinations(records, org, client):
    client.force_login(org.analyst)
    csv = client.get("/metrics/", {"metric": "leads_created", **_year(), "grain": "month",
                                   "format": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Disposition"].startswith('attachment; filename="leads_created-')
    lines = text.splitlines()
    assert lines[0] == "Period,Value" and lines[-1].endswith(",4")  # four reps' leads
    bad = client.get("/metrics/", {"metric": "leads_created", **_year(),
                                   "by": "activity_kind"})
    assert "cannot be broken down by activity_kind" in bad.content.decode()
    assert client.get("/metrics/").context["result"] is None  # the form first


def test_targets_tree_funnel_and_channels_render(records, org, client):
    today = timezone.localdate()
    quarter = f"{today:%Y}-Q{(today.month - 1) // 3 + 1}"
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = date(today.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    set_target(actor=org.admin, metric_key="contract_amount", start=start,
               end=end - timezone.timedelta(days=1), value=100000, unit_id=org.team_a.pk)
    client.force_login(org.head_east)
    targets = client.get("/metrics/targets/", {"metric": "contract_amount", "period": quarter})
    assert targets.status_code == 200 and not targets.context["error"]
    labels = [row["label"] for row in targets.context["rows"]]
    assert str(org.team_a) in labels and str(org.team_c) not in labels
    tree = client.get("/metrics/trees/")
    assert tree.status_code == 200 and tree.context["rows"]
    funnel = client.get("/metrics/funnel/", {"mode": "period"})
    assert [s["step"] for s in funnel.context["result"]["groups"][0]["steps"]] == [
        "lead", "opportunity", "won", "paid"]
    channels = client.get("/channels/")
    assert channels.status_code == 200 and channels.context["card"].channels
    assert "Cost" not in channels.content.decode().split("<thead>")[1].split("</thead>")[0]


def test_bad_periods_are_explained(org, client):
    client.force_login(org.analyst)
    assert "Not a period" in client.get("/metrics/targets/", {"period": "soon"}).content.decode()
    assert "YYYY-MM-DD" in client.get("/metrics/funnel/", {"from": "x"}).content.decode()
