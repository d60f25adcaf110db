import json
from datetime import timedelta

from django.utils import timezone

from valuecrm.campaigns.actions import (
    measure_conversions,
    opt_out,
    record_response,
    schedule_campaign,
    send_due_campaigns,
)
from valuecrm.campaigns.models import Campaign, Send
from valuecrm.campaigns.queries import campaign_results
from valuecrm.sales.actions import create_opportunity


def _outbox(settings, channel):
    path = settings.HOME / "outbox" / f"{channel}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _send(org, campaign, when=None):
    when = when or timezone.now()
    schedule_campaign(actor=org.manager_a, campaign_id=campaign.pk, when=when)
    send_due_campaigns(now=when)
    campaign.refresh_from_db()
    return campaign


def test_scheduled_campaigns_wait_for_their_time(org, make_campaign, tmp_path, settings):
    settings.HOME = tmp_path
    campaign = make_campaign()
    schedule_campaign(actor=org.manager_a, campaign_id=campaign.pk,
                      when=timezone.now() + timedelta(hours=2))
    assert send_due_campaigns() == []
    assert send_due_campaigns(now=timezone.now() + timedelta(hours=3)) == [campaign.pk]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    sent = Send.objects.filter(campaign=campaign, status=Send.Status.SENT).count()
    assert sent == len(_outbox(settings, "email")) + len(_outbox(settings, "sms")) > 0


def test_opted_out_contacts_get_no_message(org, audience, make_campaign, tmp_path, settings):
    settings.HOME = tmp_path
    opt_out(actor=org.rep_a, contact_id=audience[0].pk)  # every channel
    opt_out(actor=org.rep_a, contact_id=audience[1].pk, channel="sms")
    campaign = _send(org, make_campaign(holdout_percent=0, variants=[
        {"name": "A", "channel": "sms", "message": "Hi"}]))
    statuses = dict(Send.objects.filter(campaign=campaign).values_list("contact_id", "status"))
    assert statuses[audience[0].pk] == statuses[audience[1].pk] == Send.Status.OPTED_OUT
    assert statuses[audience[2].pk] == Send.Status.SENT
    recipients = {m["to"] for m in _outbox(settings, "sms")}
    assert audience[0].phone not in recipients and audience[1].phone not in recipients
    assert len(recipients) == 38


def test_the_frequency_cap_holds_across_campaigns(org, make_campaign, tmp_path, settings):
    settings.HOME = tmp_path
    one = [{"name": "A", "channel": "email", "message": "x"}]
    first = _send(org, make_campaign(name="一", holdout_percent=0, variants=one))
    second = _send(org, make_campaign(name="二", holdout_percent=0, variants=one,
                                      cap_messages=1, cap_days=7))
    assert Send.objects.filter(campaign=first, status=Send.Status.SENT).count() == 40
    assert Send.objects.filter(campaign=second, status=Send.Status.CAPPED).count() == 40
    later = timezone.now() + timedelta(days=8)
    third = _send(org, make_campaign(name="三", holdout_percent=0, variants=one,
                                     cap_messages=1, cap_days=7), when=later)
    assert Send.objects.filter(campaign=third, status=Send.Status.SENT).count() == 40


def test_the_hold_out_gets_nothing_and_conversions_are_counted_per_group(
        org, audience, make_campaign, tmp_path, settings):
    settings.HOME = tmp_path
    campaign = _send(org, make_campaign(holdout_percent=30))
    rows = Send.objects.filter(campaign=campaign)
    holdout = rows.filter(status=Send.Status.HOLDOUT)
    assert holdout.exists() and not holdout.filter(sent_at__isnull=False).exists()
    emailed = {m["to"] for m in _outbox(settings, "email")}
    assert not emailed & {row.contact.email for row in holdout}
    converted = rows.filter(status=Send.Status.SENT).first()
    create_opportunity(actor=org.rep_a, data={"name": "来自活动", "amount": "1000",
                                              "customer_id": converted.customer_id})
    replied = rows.filter(status=Send.Status.SENT).exclude(pk=converted.pk).first()
    record_response(actor=org.rep_a, send_id=replied.pk)
    measure_conversions(campaign=campaign)
    converted.refresh_from_db()
    replied.refresh_from_db()
    assert converted.conversion == Send.Conversion.OPPORTUNITY
    assert replied.conversion == Send.Conversion.REPLY
    results = campaign_results(org.manager_a, campaign.pk)
    assert sum(g["converted"] for g in results["groups"]) == 2
    assert sum(g["reached"] for g in results["groups"]) == 40
    assert all(g["verdict"] in ("too_small", "baseline") for g in results["groups"])
