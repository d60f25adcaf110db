"""The workbench shows each role what it works on, within its scope."""

import json
from datetime import timedelta

from django.utils import timezone

from valuecrm.crm.models import Activity, Lead
from valuecrm.sales.models import Opportunity


def test_a_rep_sees_open_leads_tasks_and_overdue_payments(records, org, client):
    mine = records["rep_a"]
    Activity.objects.create(kind=Activity.Kind.VISIT, customer=mine.customer, owner=org.rep_a,
                            started_at=timezone.now() + timedelta(hours=2), subject="上门演示")
    client.force_login(org.rep_a)
    response = client.get("/")
    assert response.templates[0].name == "web/workbench_rep.html"
    context = response.context
    assert list(context["leads"]) == [mine.lead] and context["lead_count"] == 1
    assert [a.subject for a in context["tasks"]][-1] == "上门演示"
    [plan] = context["overdue"]
    assert plan == mine.plan and plan.outstanding == mine.plan.amount - mine.payment.amount
    assert "上门演示" in response.content.decode()


def test_converted_leads_leave_the_focus_list(records, org, client):
    Lead.objects.filter(pk=records["rep_a"].lead.pk).update(status=Lead.Status.CONVERTED)
    client.force_login(org.rep_a)
    assert client.get("/").context["lead_count"] == 0


def test_a_manager_sees_the_team_funnel_activity_and_stalled_deals(records, org, client):
    Opportunity.objects.filter(pk=records["rep_a2"].opportunity.pk).update(
        stage_entered_at=timezone.now() - timedelta(days=45))
    client.force_login(org.manager_a)
    response = client.get("/")
    assert response.templates[0].name == "web/workbench_manager.html"
    context = response.context
    assert sum(row["count"] for row in context["funnel"]) == 2  # rep_a and rep_a2 only
    assert {row["rep"] for row in context["activity"]} == {org.rep_a, org.rep_a2}
    assert list(context["stalled"]) == [records["rep_a2"].opportunity]
    html = response.content.decode()
    marker = 'id="funnel-chart" type="application/json">'
    start = html.index(marker) + len(marker)
    option = json.loads(html[start:html.index("</script>", start)])
    assert option["series"][0]["type"] == "funnel"
    assert sum(d["value"] for d in option["series"][0]["data"]) == 2


def test_an_analyst_gets_the_metrics_placeholder(org, client):
    client.force_login(org.analyst)
    response = client.get("/")
    assert response.templates[0].name == "web/workbench_analyst.html"
