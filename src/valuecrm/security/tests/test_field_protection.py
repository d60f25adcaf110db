"""Field-level protection: company costs are hidden from sales roles unless configured, and
analysts read everything but change nothing (the matrix in test_api_access covers every
write route; here the fields themselves)."""

from decimal import Decimal

import pytest

from valuecrm.security.tests.conftest import SCOPED_ROLES, WIDE_ROLES


@pytest.mark.parametrize("role", list(SCOPED_ROLES))
def test_sales_roles_do_not_see_channel_costs(org, channel, api, role):
    client = api(getattr(org, role))
    assert client.get(f"/channels/{channel.pk}").json()["monthly_cost"] is None
    assert all(c["monthly_cost"] is None for c in client.get("/channels").json()["items"])
    card = client.get("/channels/scorecard").json()
    assert card["shows_cost"] is False
    assert all(c["cost"] is None and c["roi"] is None for c in card["channels"])


@pytest.mark.parametrize("role", list(WIDE_ROLES))
def test_analysts_and_administrators_see_channel_costs(org, channel, api, role):
    detail = api(getattr(org, role)).get(f"/channels/{channel.pk}").json()
    assert Decimal(detail["monthly_cost"]) == Decimal("5000")


def test_costs_can_be_shown_to_sales_roles(org, channel, api, settings):
    settings.COSTS_VISIBLE_TO_SALES = True
    detail = api(org.rep_a).get(f"/channels/{channel.pk}").json()
    assert Decimal(detail["monthly_cost"]) == Decimal("5000")


def test_analysts_cannot_change_any_field(records, org, api):
    lead = records["rep_a"].lead
    response = api(org.analyst).patch(f"/leads/{lead.pk}", {"name": "改名"})
    assert response.status_code == 403
    assert response.json()["code"] == "read_only"
    lead.refresh_from_db()
    assert lead.name == "线索 rep_a"
