"""A contact who comes back as a new lead with their phone or their email, within the
campaign's window, converted at the "lead" step; a lead outside the window or with neither
address does not count."""

from datetime import timedelta

from django.utils import timezone

from valuecrm.campaigns.actions import measure_conversions, schedule_campaign, send_campaign
from valuecrm.campaigns.models import Send
from valuecrm.crm.models import Contact, Lead


def _lead(org, name, *, phone="", email="", at):
    lead = Lead.objects.create(name=name, company_name=f"{name}公司", phone=phone,
                               email=email, owner=org.rep_a)
    Lead.objects.filter(pk=lead.pk).update(created_at=at)


def test_a_new_lead_with_the_contacts_phone_or_email_within_the_window_converts(
        org, audience, make_campaign, tmp_path, settings):
    settings.HOME = tmp_path
    sent_at = timezone.now() - timedelta(days=40)
    campaign = make_campaign(holdout_percent=30, window_days=30, variants=[
        {"name": "A", "channel": "email", "subject": "Hi", "message": "x"}])
    schedule_campaign(actor=org.manager_a, campaign_id=campaign.pk, when=sent_at)
    send_campaign(campaign_id=campaign.pk, when=sent_at)
    rows = {r.contact_id: r for r in Send.objects.filter(campaign=campaign)}
    sent = [c for c in audience if rows[c.pk].status == Send.Status.SENT]
    held = [c for c in audience if rows[c.pk].status == Send.Status.HOLDOUT]
    by_phone, by_email, too_late, no_phone, held_back = *sent[:4], held[0]
    Contact.objects.filter(pk=no_phone.pk).update(phone="")
    inside = sent_at + timedelta(days=3)
    _lead(org, "回访甲", phone=by_phone.phone, at=inside)
    _lead(org, "回访乙", email=by_email.email, at=inside + timedelta(days=1))
    _lead(org, "回访丙", phone=too_late.phone, at=sent_at + timedelta(days=31))
    _lead(org, "回访丁", email=held_back.email, at=inside)
    _lead(org, "无地址", at=inside)  # a blank phone is no match for a contact without one

    measure_conversions(campaign=campaign)

    converted = {r.contact_id: (r.conversion, r.converted_at)
                 for r in Send.objects.filter(campaign=campaign).exclude(conversion="")}
    assert converted == {by_phone.pk: (Send.Conversion.LEAD, inside),
                         by_email.pk: (Send.Conversion.LEAD, inside + timedelta(days=1)),
                         held_back.pk: (Send.Conversion.LEAD, inside)}
