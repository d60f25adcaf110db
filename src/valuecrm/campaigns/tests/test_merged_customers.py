"""Merging duplicate customers keeps their campaign history: messages follow the contact to
the survivor, so frequency caps and conversions still count them."""

from django.utils import timezone

from valuecrm.campaigns.actions import schedule_campaign, send_due_campaigns
from valuecrm.campaigns.models import Send


def test_a_merge_moves_campaign_messages_to_the_survivor(org, api, audience, make_campaign,
                                                         tmp_path, settings):
    settings.HOME = tmp_path
    campaign = make_campaign()
    now = timezone.now()
    schedule_campaign(actor=org.manager_a, campaign_id=campaign.pk, when=now)
    send_due_campaigns(now=now)
    survivor, merged = audience[0].customer, audience[1].customer
    moved = Send.objects.get(campaign=campaign, contact=audience[1])
    assert moved.customer_id == merged.pk
    response = api(org.rep_a).post("customers/merge", {"survivor": survivor.pk,
                                                       "merged": [merged.pk]})
    assert response.status_code == 200, response.content
    moved.refresh_from_db()
    assert moved.customer_id == survivor.pk
    assert Send.objects.filter(customer=survivor).count() == 2
