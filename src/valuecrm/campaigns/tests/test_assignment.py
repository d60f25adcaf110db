from collections import Counter

from valuecrm.campaigns.assignment import HOLDOUT, assign


def test_the_same_seed_and_contact_always_get_the_same_group():
    variants = [(1, 1), (2, 1)]
    first = [assign("seed-1", c, variants, 10) for c in range(2000)]
    again = [assign("seed-1", c, variants, 10) for c in range(2000)]
    assert first == again
    other_seed = [assign("seed-2", c, variants, 10) for c in range(2000)]
    assert first != other_seed


def test_groups_follow_the_hold_out_share_and_the_weights():
    counts = Counter(assign("abc", c, [(1, 3), (2, 1)], 20) for c in range(20000))
    assert abs(counts[HOLDOUT] / 20000 - 0.20) < 0.015
    assert abs(counts[1] / 20000 - 0.60) < 0.015
    assert abs(counts[2] / 20000 - 0.20) < 0.015


def test_sent_campaigns_store_the_assignment_it_derives(org, make_campaign):
    from valuecrm.campaigns.actions import schedule_campaign, send_campaign
    from valuecrm.campaigns.models import Send

    campaign = make_campaign(holdout_percent=25)
    schedule_campaign(actor=org.manager_a, campaign_id=campaign.pk)
    send_campaign(campaign_id=campaign.pk)
    weights = [(v.pk, v.weight) for v in campaign.variants.all()]
    for row in Send.objects.filter(campaign=campaign):
        assert row.variant_id == assign(campaign.seed, row.contact_id, weights, 25)
