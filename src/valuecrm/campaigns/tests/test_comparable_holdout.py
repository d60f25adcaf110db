"""The hold-out is compared with the people a message could reach: a hold-out contact with
no address on the channel it would have had, opted out of it, or at the frequency cap
leaves the comparison, as it would have left the sent group."""

from datetime import timedelta

from django.utils import timezone

from valuecrm.campaigns.actions import opt_out, schedule_campaign, send_due_campaigns
from valuecrm.campaigns.models import Send
from valuecrm.campaigns.queries import campaign_results

EMAIL = [{"name": "A", "channel": "email", "subject": "Hi", "message": "x"}]


def _send(org, campaign, when=None):
    when = when or timezone.now()
    schedule_campaign(actor=org.manager_a, campaign_id=campaign.pk, when=when)
    send_due_campaigns(now=when)
    return campaign


def _holdout(org, campaign):
    return next(g for g in campaign_results(org.manager_a, campaign.pk)["groups"]
                if g["variant_id"] is None)


def test_hold_out_contacts_without_an_address_are_left_out(
        org, audience, make_campaign, tmp_path, settings):
    settings.HOME = tmp_path
    for contact in audience[:20]:
        contact.email = ""
        contact.save()
    campaign = _send(org, make_campaign(holdout_percent=50, variants=EMAIL))
    rows = Send.objects.filter(campaign=campaign)
    held = rows.filter(variant__isnull=True)
    assert held.exists() and set(held.values_list("channel", flat=True)) == {"email"}
    no_email = {c.pk for c in audience[:20]}
    for row in rows:
        reachable = row.contact_id not in no_email
        expected = (Send.Status.NO_ADDRESS if not reachable else
                    Send.Status.HOLDOUT if row.variant_id is None else Send.Status.SENT)
        assert row.status == expected
    holdout = _holdout(org, campaign)
    assert holdout["reached"] == held.exclude(contact_id__in=no_email).count()
    assert holdout["suppressed"] == {"no_address": held.filter(contact_id__in=no_email).count()}


def test_hold_out_contacts_opted_out_or_capped_are_left_out(
        org, audience, make_campaign, tmp_path, settings):
    settings.HOME = tmp_path
    first = _send(org, make_campaign(name="一", holdout_percent=0, variants=EMAIL))
    capped = {c.pk for c in audience[:30]}  # their message of the first campaign is recent
    Send.objects.filter(campaign=first).exclude(contact_id__in=capped).update(
        sent_at=timezone.now() - timedelta(days=30))
    opt_out(actor=org.rep_a, contact_id=audience[-1].pk, channel="email")
    opt_out(actor=org.rep_a, contact_id=audience[-2].pk, channel="sms")  # not this channel
    second = _send(org, make_campaign(name="二", holdout_percent=50, variants=EMAIL,
                                      cap_messages=1, cap_days=7))
    statuses = dict(Send.objects.filter(campaign=second).values_list("contact_id", "status"))
    assert statuses[audience[-1].pk] == Send.Status.OPTED_OUT
    assert statuses[audience[-2].pk] in (Send.Status.SENT, Send.Status.HOLDOUT)
    assert {statuses[c] for c in capped} == {Send.Status.CAPPED}
    held = Send.objects.filter(campaign=second, variant__isnull=True)
    left_out = held.exclude(status=Send.Status.HOLDOUT)
    # 30 capped of 40: the seed would have to put none of them in the hold-out (2**-30).
    assert left_out.filter(contact_id__in=capped).exists()
    assert _holdout(org, second)["reached"] == held.count() - left_out.count()
