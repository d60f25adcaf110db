"""Opportunity scores: stage reached and the customer's fields, or the stage default."""

import math

import pytest

from valuecrm.crm.models import Customer
from valuecrm.scoring import actions
from valuecrm.scoring.tests.conftest import stage


def test_thin_history_falls_back_to_the_stages_default_probability(org, make_history, api):
    h = make_history(org.rep_a)
    customer = h._customer()
    deal = h.deal(customer, "Proposal")
    h.deal(customer, "won", reached=["Qualification"])
    actions.recompute_scores()
    body = api(org.rep_a).get(f"opportunities/{deal.pk}/score").json()
    assert body["basis"] == "prior"
    assert body["percent"] == stage(name="Proposal").probability
    assert "the stage's default probability" in body["note"]
    assert "Only 1 closed opportunities" in body["note"]


def test_stage_reached_and_customer_fields_drive_the_prediction(org, make_history, api):
    h = make_history(org.rep_a)
    big = {"size_tier": Customer.SizeTier.LARGE, "industry": "制造业"}
    # 6 won deals, all reached Negotiation; 15 lost, most dropped at Qualification.
    for _ in range(6):
        h.deal(h._customer(**big), "won", reached=["Qualification", "Negotiation"])
    for i in range(15):
        reached = ["Qualification", "Negotiation"] if i < 3 else ["Qualification"]
        h.deal(h._customer(size_tier=Customer.SizeTier.SMALL), "lost", reached=reached)
    early = h.deal(h._customer(size_tier=Customer.SizeTier.SMALL), "Qualification")
    late = h.deal(h._customer(**big), "Negotiation")
    actions.recompute_scores()

    client = api(org.rep_a)
    early_body = client.get(f"opportunities/{early.pk}/score").json()
    late_body = client.get(f"opportunities/{late.pk}/score").json()
    assert early_body["basis"] == late_body["basis"] == "model"
    assert late_body["probability"] > 0.9 > 0.1 > early_body["probability"]
    for body in (early_body, late_body):
        total = body["base_log_odds"] + sum(f["log_odds"] for f in body["factors"])
        assert total == pytest.approx(body["log_odds"])
    stage_factor = next(f for f in late_body["factors"] if f["field"] == "stage")
    assert stage_factor["label"] == stage(name="Negotiation").name
    # Negotiation reached by 6 of 6 won and 3 of 15 lost (Laplace-smoothed flags).
    assert (stage_factor["won"], stage_factor["lost"]) == (6, 3)
    assert stage_factor["log_odds"] == pytest.approx(math.log((7 / 8) / (4 / 17)))
    size = next(f for f in late_body["factors"] if f["field"] == "size_tier")
    assert size["value"] == "large" and size["log_odds"] > 0


def test_scores_of_opportunities_stay_in_scope(org, records, api):
    actions.recompute_scores()
    theirs = records["rep_c"].opportunity.pk
    assert api(org.rep_a).get(f"opportunities/{theirs}/score").status_code == 404
    assert api(org.manager_a).get(f"opportunities/{theirs}/score").status_code == 404
    assert api(org.analyst).get(f"opportunities/{theirs}/score").status_code == 200
