"""The kanban moves opportunities through the stage action and shows only what's visible."""

from valuecrm.sales.models import Opportunity, OpportunityStageChange, Stage


def _next_stage(deal):
    return Stage.objects.filter(outcome="open").exclude(pk=deal.stage_id).order_by("position")[0]


def test_the_board_shows_my_deals_by_stage(records, org, client):
    client.force_login(org.rep_a)
    columns = client.get("/kanban/").context["columns"]
    assert [c["stage"] for c in columns] == list(Stage.objects.filter(is_active=True))
    cards = [card for c in columns for card in c["cards"]]
    assert cards == [records["rep_a"].opportunity]


def test_moving_a_card_is_recorded_in_stage_history(records, org, client):
    deal = records["rep_a"].opportunity
    target = _next_stage(deal)
    client.force_login(org.rep_a)
    response = client.post(f"/opportunities/{deal.pk}/move/",
                           {"stage": target.pk, "version": deal.version})
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.stage == target and response.json()["version"] == deal.version
    change = OpportunityStageChange.objects.filter(opportunity=deal).latest("changed_at")
    assert change.to_stage == target and change.actor == org.rep_a


def test_a_refused_move_says_why_and_changes_nothing(records, org, client):
    deal = records["rep_a"].opportunity
    lost = Stage.objects.get(outcome="lost")
    client.force_login(org.rep_a)
    response = client.post(f"/opportunities/{deal.pk}/move/",
                           {"stage": lost.pk, "version": deal.version})
    assert response.status_code == 422 and response.json()["error"]
    stale = client.post(f"/opportunities/{deal.pk}/move/",
                        {"stage": _next_stage(deal).pk, "version": deal.version - 1 or 99})
    assert stale.status_code == 409
    assert Opportunity.objects.get(pk=deal.pk).stage_id == deal.stage_id


def test_nobody_moves_a_deal_they_cannot_see(records, org, client):
    deal = records["rep_b"].opportunity
    client.force_login(org.rep_a)
    response = client.post(f"/opportunities/{deal.pk}/move/", {"stage": _next_stage(deal).pk})
    assert response.status_code == 404
    client.force_login(org.analyst)
    response = client.post(f"/opportunities/{deal.pk}/move/", {"stage": _next_stage(deal).pk})
    assert response.status_code == 403
