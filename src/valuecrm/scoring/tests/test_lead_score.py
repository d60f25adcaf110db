"""Predictive lead scores: naive Bayes over the organisation's closed leads, explained."""

import math
from io import StringIO

import pytest
from django.core.management import call_command

from valuecrm.scoring import actions
from valuecrm.scoring.bayes import CATEGORICAL, FLAG, NaiveBayes


@pytest.fixture
def small_history_counts(monkeypatch):
    """Let eight closed leads count as enough history, to keep the example hand-sized."""
    monkeypatch.setattr(actions, "MIN_CLOSED", 8)
    monkeypatch.setattr(actions, "MIN_EACH_OUTCOME", 3)


def _hand_example(h, web, fair, vip):
    # won: 2 via web, 1 via fair, all VIP; lost: 1 via web, 4 via fair, none VIP.
    for ch in (web, web, fair):
        h.lead("won", channel=ch, tags=[vip])
    h.lead("lost", channel=web)
    for _ in range(3):
        h.lead("lost", channel=fair)
    h.lead("lost_deal", channel=fair)


# By hand: base ln((3+1)/(5+1)); channel web ln(((2+1)/(3+2)) / ((1+1)/(5+2))) with two
# channel values seen; tag VIP ln(((3+1)/(3+2)) / ((0+1)/(5+2))) as a flag.
BASE = math.log(4 / 6)
WEB = math.log((3 / 5) / (2 / 7))
VIP = math.log((4 / 5) / (1 / 7))


def test_naive_bayes_matches_the_hand_computed_example():
    model = NaiveBayes(3, 5, {"channel": {"w": [2, 1], "f": [1, 4]}, "tags": {"v": [3, 0]}},
                       {"channel": CATEGORICAL, "tags": FLAG})
    estimate = model.estimate({"channel": ["w"], "tags": ["v"], "region": ["unseen"]})
    assert estimate.log_odds == pytest.approx(BASE + WEB + VIP)
    assert estimate.probability == pytest.approx(7.84 / 8.84)
    assert [f.field for f in estimate.factors] == ["tags", "channel"]  # biggest effect first


def test_a_lead_score_is_counted_from_closed_leads_and_explained(
    org, channel, fair, vip, make_history, small_history_counts, api
):
    h = make_history(org.rep_a)
    _hand_example(h, channel, fair, vip)
    fresh = h.lead("new", channel=channel, tags=[vip], region="上海")

    call_command("scoring", "recompute", stdout=StringIO())
    body = api(org.rep_a).get(f"leads/{fresh.pk}/score").json()

    assert body["basis"] == "model"
    assert body["probability"] == pytest.approx(7.84 / 8.84)
    assert body["percent"] == 89
    factors = {f["field"]: f for f in body["factors"]}
    assert set(factors) == {"channel", "tags"}  # no closed lead had a region: no evidence
    assert factors["channel"]["label"] == channel.name
    assert (factors["channel"]["won"], factors["channel"]["lost"]) == (2, 1)
    assert factors["tags"]["log_odds"] == pytest.approx(VIP)
    assert factors["channel"]["log_odds"] > 0


def test_factors_sum_to_the_scores_log_odds(
    org, channel, fair, vip, make_history, small_history_counts, api
):
    h = make_history(org.rep_a)
    _hand_example(h, channel, fair, vip)
    leads = [h.lead("new", channel=fair), h.lead("working", channel=channel, tags=[vip]),
             h.lead("new", region="成都")]
    actions.recompute_scores()
    client = api(org.rep_a)
    for lead in leads:
        body = client.get(f"leads/{lead.pk}/score").json()
        total = body["base_log_odds"] + sum(f["log_odds"] for f in body["factors"])
        assert total == pytest.approx(body["log_odds"])
        assert body["probability"] == pytest.approx(1 / (1 + math.exp(-body["log_odds"])))
    fair_lead = client.get(f"leads/{leads[0].pk}/score").json()
    assert fair_lead["factors"][0]["log_odds"] < 0  # fair leads mostly lost: lowers it


def test_with_no_history_the_score_is_the_prior_and_says_so(org, records, api):
    actions.recompute_scores()
    body = api(org.rep_a).get(f"leads/{records['rep_a'].lead.pk}/score").json()
    assert body["basis"] == "prior"
    assert body["probability"] == pytest.approx(actions.LEAD_DEFAULT_PROBABILITY)
    assert "No lead has closed yet" in body["note"]
    assert body["factors"] == []


def test_thin_history_uses_the_smoothed_base_rate(org, channel, make_history, api):
    h = make_history(org.rep_a)
    h.lead("won", channel=channel)
    h.lead("lost", channel=channel)
    h.lead("lost", channel=channel)
    fresh = h.lead("new", channel=channel)
    # Never recomputed: scored on request from (absent) stored tables, then after a run.
    assert api(org.rep_a).get(f"leads/{fresh.pk}/score").json()["basis"] == "prior"
    actions.recompute_scores()
    body = api(org.rep_a).get(f"leads/{fresh.pk}/score").json()
    assert body["basis"] == "prior"
    assert body["probability"] == pytest.approx((1 + 1) / (3 + 2))
    assert "Only 3 closed leads (1 won, 2 lost)" in body["note"]


def test_closed_leads_report_their_outcome(org, channel, make_history, api):
    h = make_history(org.rep_a)
    won, lost = h.lead("won", channel=channel), h.lead("lost", channel=channel)
    client = api(org.rep_a)
    assert client.get(f"leads/{won.pk}/score").json()["probability"] == 1.0
    body = client.get(f"leads/{lost.pk}/score").json()
    assert (body["probability"], body["basis"]) == (0.0, "closed")


def test_a_rep_cannot_read_another_reps_lead_score(org, records, api):
    actions.recompute_scores()
    other = records["rep_b"].lead.pk
    assert api(org.rep_a).get(f"leads/{other}/score").status_code == 404
    assert api(org.head_east).get(f"leads/{other}/score").status_code == 200
    assert api(org.rep_c).get("leads/999999/score").status_code == 404


def test_recompute_drops_scores_of_records_that_closed(org, channel, make_history):
    from valuecrm.scoring.models import Score

    h = make_history(org.rep_a)
    lead = h.lead("new", channel=channel)
    actions.recompute_scores()
    assert Score.objects.filter(lead=lead).exists()
    lead.status, lead.disqualify_reason = "disqualified", "空号"
    lead.save()
    actions.recompute_scores()
    assert not Score.objects.filter(lead=lead).exists()
