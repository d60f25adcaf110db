"""Every stage change of an opportunity is stored with its time and actor."""

from valuecrm.sales.models import Stage


def _stage(name_en):
    return Stage.objects.get(name_en=name_en)


def test_moving_a_deal_records_each_stage_entered(org, records, api):
    deal = records["rep_a"].opportunity
    client = api(org.rep_a)
    client.patch(f"opportunities/{deal.pk}", {"stage": _stage("Proposal").pk})
    client.patch(f"opportunities/{deal.pk}", {"stage": _stage("Negotiation").pk})
    changes = client.get(f"opportunities/{deal.pk}/stage-changes").json()
    assert [(c["from_stage"], c["to_stage"]) for c in changes] == [
        (None, _stage("Qualification").pk),
        (_stage("Qualification").pk, _stage("Proposal").pk),
        (_stage("Proposal").pk, _stage("Negotiation").pk),
    ]
    assert all(c["actor"] == org.rep_a.pk for c in changes)
    assert changes[1]["changed_at"] <= changes[2]["changed_at"]


def test_won_deal_is_closed_and_probability_follows_the_stage(org, records, api):
    deal = records["rep_a"].opportunity
    body = api(org.rep_a).patch(f"opportunities/{deal.pk}", {"stage": _stage("Won").pk}).json()
    assert body["outcome"] == "won"
    assert body["closed_at"] is not None
    assert body["effective_probability"] == 100


def test_lost_deal_needs_a_reason(org, records, api):
    deal = records["rep_a"].opportunity
    client = api(org.rep_a)
    refused = client.patch(f"opportunities/{deal.pk}", {"stage": _stage("Lost").pk})
    assert refused.status_code == 422
    assert "lost_reason" in refused.json()["errors"]
    assert deal.stage_changes.count() == 1
    ok = client.patch(f"opportunities/{deal.pk}",
                      {"stage": _stage("Lost").pk, "lost_reason": "预算取消"})
    assert ok.status_code == 200


def test_editing_other_fields_does_not_add_stage_history(org, records, api):
    deal = records["rep_a"].opportunity
    api(org.rep_a).patch(f"opportunities/{deal.pk}", {"amount": "60000"})
    assert deal.stage_changes.count() == 1


def test_opportunities_filter_by_outcome(org, records, api):
    client = api(org.head_east)
    deal = records["rep_b"].opportunity
    client.patch(f"opportunities/{deal.pk}", {"stage": _stage("Won").pk})
    won = client.get("opportunities", outcome="won").json()
    assert [item["id"] for item in won["items"]] == [deal.pk]
