"""Initiatives (expected vs measured change, drift) and the requirement backlog."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from valuecrm.value.actions import create_initiative, create_requirement


@pytest.fixture
def launched(org, records):
    """An initiative of rep_a launched 30 days ago expecting contract amounts to double:
    nothing changed around its launch, so it drifts."""
    return create_initiative(actor=org.rep_a, name="合同模板上线",
                             launch_date=timezone.localdate() - timedelta(days=30),
                             metrics={"contract_amount": "1.0"}, measure_days=14,
                             estimated_value="100000")


def test_initiatives_show_expected_vs_measured_and_drift(client, org, launched):
    client.force_login(org.rep_a)
    page = client.get(reverse("web:initiative_list")).content.decode()
    assert "合同模板上线" in page and "100.0%" in page and "Drift" in page
    page = client.get(reverse("web:initiative_detail", args=[launched.pk])).content.decode()
    assert "Expected vs measured change" in page and "Drift" in page
    assert "¥100,000.00" in page


def test_an_initiative_before_launch_is_not_measured(client, org, records):
    upcoming = create_initiative(actor=org.rep_a, name="下月上线",
                                 launch_date=timezone.localdate() + timedelta(days=10),
                                 metrics={"contract_amount": "0.2"})
    client.force_login(org.rep_a)
    page = client.get(reverse("web:initiative_detail", args=[upcoming.pk])).content.decode()
    assert "Not launched yet" in page and "Drift" not in page


def test_another_reps_initiative_answers_404(client, org, launched):
    client.force_login(org.rep_b)
    assert client.get(reverse("web:initiative_detail", args=[launched.pk])).status_code == 404
    assert "合同模板上线" not in client.get(reverse("web:initiative_list")).content.decode()
    client.force_login(org.manager_a)
    assert client.get(reverse("web:initiative_detail", args=[launched.pk])).status_code == 200


def test_requirements_are_ranked_and_missing_goals_flagged(client, org, records):
    client.force_login(org.rep_a)
    assert "The backlog is empty" in client.get(reverse("web:requirement_list")).content.decode()
    create_requirement(actor=org.rep_a, title="无目标需求", kind="personalised")
    create_requirement(actor=org.rep_a, title="提升签约额", kind="essential", urgent=True,
                       important=True, metric_key="contract_amount")
    page = client.get(reverse("web:requirement_list")).content.decode()
    assert page.index("提升签约额") < page.index("无目标需求")
    row = page[page.index("无目标需求"):]
    assert "No business goal" in row[:row.index("</tr>")]
