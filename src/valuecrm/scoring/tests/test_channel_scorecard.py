"""Channel scorecard: numbers agree with plain SQL, cost and ROI only where known and
allowed, and each recommendation says why."""

from datetime import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from valuecrm.crm.models import Channel
from valuecrm.scoring.channels import DROP, KEEP, WATCH, Figures, recommend

TZ = ZoneInfo("Asia/Shanghai")
PERIOD = {"from": "2025-01-01", "to": "2025-02-28"}


def at(month, day):
    return datetime(2025, month, day, 10, 0, tzinfo=TZ)


@pytest.fixture
def fixture_data(org, channel, fair, make_history):
    """web (5000/month): 12 leads in January, 3 won for 18000; fair (no cost): 10 leads in
    February, none won, and one won lead from December (outside the period); ads (3000/month,
    owned by rep_b): 10 leads, one won for 2000."""
    ads = Channel.objects.create(name="信息流广告", code="ads", monthly_cost=Decimal("3000"))
    a, b = make_history(org.rep_a), make_history(org.rep_b)
    for amount in ("8000", "6000", "4000"):
        a.lead("won", channel=channel, created_at=at(1, 5), amount=amount)
    a.lead("lost_deal", channel=channel, created_at=at(1, 6))
    a.lead("converted", channel=channel, created_at=at(1, 7))
    a.lead("converted", channel=channel, created_at=at(1, 31))
    for _ in range(6):
        a.lead("lost", channel=channel, created_at=at(1, 8))
    for _ in range(10):
        a.lead("new", channel=fair, created_at=at(2, 14))
    a.lead("won", channel=fair, created_at=datetime(2024, 12, 31, 23, 0, tzinfo=TZ))
    b.lead("won", channel=ads, created_at=at(2, 1), amount="2000")
    for _ in range(9):
        b.lead("lost", channel=ads, created_at=at(2, 2))
    return {"web": channel, "fair": fair, "ads": ads}


SQL = """
SELECT l.channel_id, COUNT(*),
  SUM(CASE WHEN EXISTS (SELECT 1 FROM sales_opportunity o
        WHERE o.customer_id = l.converted_customer_id AND o.created_at >= l.created_at
          AND o.deleted_at IS NULL) THEN 1 ELSE 0 END),
  SUM(CASE WHEN EXISTS (SELECT 1 FROM sales_opportunity o JOIN sales_stage s ON s.id = o.stage_id
        WHERE o.customer_id = l.converted_customer_id AND o.created_at >= l.created_at
          AND o.deleted_at IS NULL AND s.outcome = 'won') THEN 1 ELSE 0 END),
  SUM((SELECT COALESCE(SUM(o.amount), 0) FROM sales_opportunity o
        JOIN sales_stage s ON s.id = o.stage_id
        WHERE o.customer_id = l.converted_customer_id AND o.created_at >= l.created_at
          AND o.deleted_at IS NULL AND s.outcome = 'won'))
FROM crm_lead l
WHERE l.deleted_at IS NULL AND l.created_at >= %s AND l.created_at < %s
GROUP BY l.channel_id
"""


def test_scorecard_agrees_with_hand_written_sql(org, fixture_data, api):
    body = api(org.admin).get("channels/scorecard", **PERIOD).json()
    with connection.cursor() as cursor:
        cursor.execute(SQL, [at(1, 1).replace(hour=0), at(3, 1).replace(hour=0)])
        expected = {row[0]: row[1:] for row in cursor.fetchall()}
    got = {c["channel_id"]: (c["leads"], c["opportunities"], c["won"], Decimal(c["revenue"]))
           for c in body["channels"] if c["leads"]}
    assert got == {k: (n, o, w, Decimal(r)) for k, (n, o, w, r) in expected.items()}

    web = next(c for c in body["channels"] if c["channel_id"] == fixture_data["web"].pk)
    assert (web["leads"], web["opportunities"], web["won"], web["won_deals"]) == (12, 6, 3, 3)
    assert Decimal(web["revenue"]) == Decimal("18000")
    assert web["lead_to_opportunity"] == 0.5 and web["lead_to_win"] == 0.25
    assert Decimal(web["average_deal_size"]) == Decimal("6000")
    assert Decimal(web["revenue_per_lead"]) == Decimal("1500")
    assert Decimal(web["cost"]) == Decimal("10000")  # two whole months at 5000
    assert Decimal(web["cost_per_won_deal"]) == Decimal("3333.33")
    assert Decimal(web["roi"]) == Decimal("0.8")
    assert [(m["month"], m["leads"], m["won"]) for m in web["trend"]] == [
        ("2025-01", 12, 3), ("2025-02", 0, 0)]
    assert body["average_lead_to_win"] == 0.125  # 4 won of 32 leads


def test_roi_only_where_cost_is_known_and_only_for_roles_that_see_all(org, fixture_data, api):
    admin = {c["channel"]: c for c in api(org.admin).get("channels/scorecard", **PERIOD)
             .json()["channels"]}
    assert admin["展会"]["cost"] is None and admin["展会"]["roi"] is None
    assert Decimal(admin["信息流广告"]["roi"]) == Decimal("-0.6667")
    assert Decimal(admin["信息流广告"]["trend"][0]["cost"]) == Decimal("3000")

    rep = api(org.rep_a).get("channels/scorecard", **PERIOD).json()
    assert rep["shows_cost"] is False and "company-wide" in rep["cost_note"]
    assert all(c["cost"] is None and c["roi"] is None for c in rep["channels"])


def test_a_reps_scorecard_counts_only_their_leads(org, fixture_data, api):
    rep = {c["channel"]: c for c in api(org.rep_a).get("channels/scorecard", **PERIOD)
           .json()["channels"]}
    assert rep["信息流广告"]["leads"] == 0  # rep_b's leads
    assert rep["官网表单"]["leads"] == 12
    other = {c["channel"]: c for c in api(org.rep_c).get("channels/scorecard", **PERIOD)
             .json()["channels"]}
    assert sum(c["leads"] for c in other.values()) == 0


def test_recommendations_say_why(org, fixture_data, api):
    cards = {c["channel"]: c for c in api(org.admin).get("channels/scorecard", **PERIOD)
             .json()["channels"]}
    assert cards["官网表单"]["recommendation"] == KEEP
    assert "ROI 80.0%" in cards["官网表单"]["reason"]
    assert cards["信息流广告"]["recommendation"] == DROP
    assert "ROI -66.7%" in cards["信息流广告"]["reason"]
    assert cards["展会"]["recommendation"] == DROP
    assert "No deal won from 10 leads" in cards["展会"]["reason"]


@pytest.mark.parametrize(("figures", "average", "verdict", "says"), [
    (Figures(leads=0, cost=Decimal("100")), 0.1, DROP, "brought no lead"),
    (Figures(leads=9, won=5), 0.1, WATCH, "too few to judge"),
    (Figures(leads=20, won=2, revenue=Decimal("120"), cost=Decimal("100")), 0.1, WATCH,
     "below 50.0%"),
    (Figures(leads=20, won=1), 0.2, WATCH, "under half the average"),
    (Figures(leads=20, won=4), 0.2, KEEP, "Wins 20.0% of its leads"),
])
def test_recommendation_thresholds(figures, average, verdict, says):
    got, reason = recommend(figures, average)
    assert got == verdict and says in reason


def test_bad_periods_are_refused(org, api):
    client = api(org.admin)
    response = client.get("channels/scorecard", **{"from": "2025-03-01", "to": "2025-01-01"})
    assert response.status_code == 422 and "from" in response.json()["errors"]
    assert client.get("channels/scorecard", **{"from": "someday"}).status_code == 422


def test_command_prints_the_scorecard(org, fixture_data):
    out = StringIO()
    call_command("channels", "scorecard", "--as", "admin", "--from", "2025-01-01",
                 "--to", "2025-02-28", "--trend", stdout=out)
    text = out.getvalue()
    assert "官网表单\t12\t50.0%\t25.0%\t18,000.00" in text and "drop" in text
    assert "  2025-01\t12" in text
