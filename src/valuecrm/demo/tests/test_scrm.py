"""The demo's segments, tag rules and campaigns: made through the apps' actions, with
conversions from the demo's own history in both arms of the A/B test, shown on the SCRM
pages, and covered by the data digest."""

import pytest

from valuecrm.campaigns.models import Campaign, OptOut, Send, Submission
from valuecrm.campaigns.queries import campaign_results, review_queue
from valuecrm.crm.models import Customer
from valuecrm.demo.queries import data_digest
from valuecrm.org.models import User
from valuecrm.segments.models import Segment, TagChange, TagRule
from valuecrm.segments.queries import segment_counts

pytestmark = pytest.mark.django_db


def _campaign(name_part):
    return Campaign.objects.get(name__contains=name_part)


def test_segments_and_tag_rules_with_their_first_run(demo):
    admin = User.objects.get(username="admin")
    counts = {s.name: segment_counts(admin, s) for s in Segment.objects.all()}
    assert len(counts) == 7 and all(c["customers"] > 0 for c in counts.values())
    for rule in TagRule.objects.all():
        changes = TagChange.objects.filter(rule=rule)
        assert changes.exists() and rule.last_run_at is not None
        assert changes.count() == Customer.all_objects.filter(tags=rule.tag).count()
    assert demo.counts["segments.TagChange"] == TagChange.objects.count()


def test_the_ab_email_has_conversions_from_the_history_in_every_group(demo):
    results = campaign_results(User.objects.get(username="admin"), _campaign("A/B").pk)
    assert not results["campaign"]["maturing"]
    groups = {g["group"]: g for g in results["groups"]}
    assert set(groups) == {"A", "B", "holdout"}
    assert all(group["reached"] > 0 for group in groups.values())
    assert groups["A"]["converted"] > 0 and groups["B"]["converted"] > 0
    # The hold-out got nothing to reply to: its conversions are the history's own (at tiny
    # scale its few contacts an email could reach may have none).
    assert set(groups["holdout"]["by_conversion"]) <= {"contract", "opportunity", "lead"}
    assert groups["B"]["z"] is not None
    assert groups["B"]["responded"] > groups["A"]["responded"]


def test_the_sms_respects_opt_outs_the_frequency_cap_and_its_owners_scope(demo):
    campaign = _campaign("短信")
    rows = Send.objects.filter(campaign=campaign)
    assert rows.filter(status=Send.Status.OPTED_OUT).count() == OptOut.objects.filter(
        contact__in=rows.values("contact")).count() > 0
    capped = rows.filter(status=Send.Status.CAPPED)
    assert capped.exists() and not capped.exclude(
        contact__campaign_sends__campaign=_campaign("A/B"),
        contact__campaign_sends__status=Send.Status.SENT).exists()
    south = campaign.owner.unit
    assert not rows.exclude(customer__owner__unit__parent=south).exists()


def test_the_referral_campaign_has_submissions_in_every_review_state(demo):
    head = User.objects.get(username="east-head")
    submissions = Submission.objects.filter(participant__campaign=_campaign("推荐"))
    assert set(submissions.values_list("status", "reason")) == {
        ("accepted", "own_code"), ("rejected", "other_participant"),
        ("rejected", "reused"), ("accepted", "reviewer"), ("manual", "no_code")}
    assert review_queue(head).count() == 1
    assert submissions.filter(rewarded_at__isnull=False).count() == 2


def test_the_pages_show_the_demo_campaigns(demo, client):
    client.force_login(User.objects.get(username="admin"))
    segments = client.get("/segments/").content.decode()
    assert all(s.name in segments for s in Segment.objects.all())
    campaign = _campaign("A/B")
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    groups = campaign_results(User.objects.get(username="admin"), campaign.pk)["groups"]
    assert campaign.name in page
    for group in groups:
        assert f'<td class="num">{group["reached"]}</td>' in page


def test_the_digest_covers_the_campaign_messages(demo):
    before = data_digest()
    Send.objects.filter(pk=Send.objects.filter(conversion="").order_by("pk").first().pk).update(
        conversion=Send.Conversion.REPLY)
    assert data_digest() != before
