"""The campaign metrics of the catalog equal hand-written SQL over a sent campaign, and the
conversion tree's identity holds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from valuecrm.campaigns.actions import (
    measure_conversions,
    opt_out,
    record_response,
    schedule_campaign,
    send_due_campaigns,
)
from valuecrm.campaigns.models import Send
from valuecrm.metrics.queries import metric_values
from valuecrm.sales.actions import create_opportunity

SENDS = "FROM campaigns_send s WHERE s.reference_at >= %(t0)s AND s.reference_at < %(t1)s"
SQL = {
    "campaign_messages_sent": f"SELECT COUNT(*) {SENDS} AND s.status = 'sent'",
    "campaign_conversions": f"SELECT COUNT(*) {SENDS} AND s.status = 'sent' "
                            "AND s.converted_at IS NOT NULL",
    "campaign_conversion_rate": f"SELECT SUM(CASE WHEN s.converted_at IS NOT NULL THEN 1 "
                                f"ELSE 0 END) * 1.0 / COUNT(*) {SENDS} AND s.status = 'sent'",
    "campaign_holdout_conversion_rate": f"SELECT SUM(CASE WHEN s.converted_at IS NOT NULL "
                                        f"THEN 1 ELSE 0 END) * 1.0 / COUNT(*) {SENDS} "
                                        "AND s.status = 'holdout'",
    "campaign_response_rate": f"SELECT SUM(CASE WHEN s.responded_at IS NOT NULL THEN 1 "
                              f"ELSE 0 END) * 1.0 / COUNT(*) {SENDS} AND s.status = 'sent'",
    "campaign_opt_outs": "SELECT COUNT(*) FROM campaigns_optout o WHERE o.at >= %(t0)s "
                         "AND o.at < %(t1)s",
    "referral_submissions": "SELECT COUNT(*) FROM campaigns_submission x WHERE "
                            "x.created_at >= %(t0)s AND x.created_at < %(t1)s",
    "referral_rejected_share": "SELECT SUM(CASE WHEN x.status = 'rejected' THEN 1 ELSE 0 END)"
                               " * 1.0 / COUNT(*) FROM campaigns_submission x WHERE "
                               "x.created_at >= %(t0)s AND x.created_at < %(t1)s",
    "referred_signups": "SELECT COUNT(*) FROM campaigns_referral r WHERE "
                        "r.created_at >= %(t0)s AND r.created_at < %(t1)s",
}


@pytest.fixture
def sent(org, audience, make_campaign, settings, tmp_path):
    settings.HOME = tmp_path
    from valuecrm.campaigns.referrals import (
        enrol,
        poster_png,
        record_signup,
        referral_token,
        submit_screenshot,
    )
    from valuecrm.campaigns.tests.screens import screenshot

    opt_out(actor=org.rep_a, contact_id=audience[0].pk)
    campaign = make_campaign(holdout_percent=30)
    now = timezone.now()
    schedule_campaign(actor=org.manager_a, campaign_id=campaign.pk, when=now)
    send_due_campaigns(now=now)
    rows = list(Send.objects.filter(campaign=campaign).order_by("pk"))
    # The seed is random: pick converters from each group, not by position.
    sent_rows = [r for r in rows if r.status == Send.Status.SENT]
    holdout_rows = [r for r in rows if r.status == Send.Status.HOLDOUT]
    for row in sent_rows[:3] + holdout_rows[:3]:
        create_opportunity(actor=org.rep_a, data={"name": "x", "amount": "1",
                                                  "customer_id": row.customer_id})
    for row in sent_rows[3:6]:
        record_response(actor=org.rep_a, send_id=row.pk)
    measure_conversions(campaign=campaign)
    referral = make_campaign(name="老带新", kind="referral")
    [participant] = enrol(referral, [audience[1]]).values()
    submit_screenshot(upload_key=participant.upload_key,
                      data=screenshot(poster_png(participant), seed=1))
    submit_screenshot(upload_key=participant.upload_key,
                      data=screenshot(poster_png(participant), seed=1))  # reused
    submit_screenshot(upload_key=participant.upload_key, data=screenshot(None, seed=2))
    record_signup(token=referral_token(participant), data={"name": "新朋友"})
    return campaign


def _bounds():
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    return today, today, {
        "t0": timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()),
                                  tz),
        "t1": timezone.make_aware(timezone.datetime.combine(
            today + timedelta(days=1), timezone.datetime.min.time()), tz)}


@pytest.mark.parametrize("key", sorted(SQL))
def test_engine_agrees_with_hand_sql(sent, org, key):
    start, end, bounds = _bounds()
    [row] = metric_values(user=org.admin, key=key, start=start, end=end)["totals"]
    with connection.cursor() as cursor:
        cursor.execute(SQL[key], bounds)
        expected = cursor.fetchone()[0]
    assert float(row["value"]) == pytest.approx(float(expected))


def test_the_fixture_has_conversions_in_both_groups(sent):
    assert Send.objects.filter(campaign=sent, status="sent").exclude(conversion="").exists()
    assert Send.objects.filter(campaign=sent, status="holdout").exclude(conversion="").exists()


def test_the_conversion_tree_is_an_identity(sent, org):
    from valuecrm.metrics.periods import Span
    from valuecrm.metrics.trees import explain_tree

    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    tree = explain_tree(user=org.admin, key="campaign_conversion_drivers",
                        before=Span(yesterday, yesterday), after=Span(today, today))
    root = tree["root"]
    assert root["after"] > 0
    assert float(root["after"]) == pytest.approx(float(root["metric_after"]))
