"""The segment, campaign and screenshot review pages."""

import pytest
from django.urls import reverse

from valuecrm.campaigns.actions import create_campaign, schedule_campaign, send_due_campaigns
from valuecrm.campaigns.models import Participant, Submission
from valuecrm.crm.models import Customer
from valuecrm.segments.actions import create_segment


@pytest.fixture
def segment(org, records):
    for i in range(3):
        Customer.objects.create(name=f"母婴{i}", owner=org.rep_a if i else org.rep_b,
                                industry="母婴")
    return create_segment(actor=org.admin, name="母婴客户",
                          definition={"field": "industry", "value": "母婴"})


def test_segments_show_live_counts_within_scope(org, segment, client):
    client.force_login(org.rep_a)
    page = client.get(reverse("web:segment_list")).content.decode()
    assert "母婴客户" in page and 'data-count="customers">2<' in page
    client.force_login(org.admin)
    assert 'data-count="customers">3<' in client.get(reverse("web:segment_list")).content.decode()


def test_the_preview_counts_a_definition_or_says_what_is_wrong(org, segment, client):
    client.force_login(org.rep_a)
    url = reverse("web:segment_preview")
    ok = client.post(url, {"definition": '{"field": "industry", "value": "母婴"}'},
                     HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "2" in ok.content.decode()
    bad = client.post(url, {"definition": '{"field": "password", "value": 1}'})
    assert bad.status_code == 422


def test_customer_list_filters_by_segment(org, segment, client):
    client.force_login(org.admin)
    page = client.get(reverse("web:customer_list"), {"segment": segment.pk}).content.decode()
    assert "母婴0" in page and "rep_a 客户有限公司" not in page


def test_campaign_detail_shows_variant_results_to_its_scope_only(org, segment, client,
                                                                  settings, tmp_path):
    settings.HOME = tmp_path
    campaign = create_campaign(actor=org.manager_a, name="试点", segment_id=segment.pk,
                               variants=[{"name": "A", "message": "hi"}])
    schedule_campaign(actor=org.manager_a, campaign_id=campaign.pk)
    send_due_campaigns()
    url = reverse("web:campaign_detail", args=[campaign.pk])
    client.force_login(org.manager_a)
    page = client.get(url).content.decode()
    assert 'id="variant-results"' in page and 'data-verdict="too_small"' in page
    client.force_login(org.rep_a)
    assert client.get(url).status_code == 404
    client.force_login(org.head_east)
    assert client.get(url).status_code == 200


def test_the_review_queue_lets_managers_decide(org, segment, records, client, settings,
                                                tmp_path):
    settings.HOME = tmp_path
    campaign = create_campaign(actor=org.manager_a, name="推荐", segment_id=segment.pk,
                               kind="referral", variants=[{"name": "A", "message": "hi"}])
    participant = Participant.objects.create(campaign=campaign,
                                             contact=records["rep_a"].contact)
    waiting = Submission.objects.create(participant=participant, image="x.jpg",
                                        status="manual", reason="no_code")
    client.force_login(org.manager_a)
    assert f"submission-{waiting.pk}" in client.get(reverse("web:review_queue")).content.decode()
    client.force_login(org.rep_b)
    assert f"submission-{waiting.pk}" not in client.get(
        reverse("web:review_queue")).content.decode()
    decide = reverse("web:submission_decide", args=[waiting.pk])
    assert client.post(decide, {"verdict": "accept"}).status_code == 404
    client.force_login(org.rep_a)
    assert client.post(decide, {"verdict": "accept"}).status_code == 403
    client.force_login(org.manager_a)
    assert client.post(decide, {"verdict": "accept"}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "accepted" and waiting.rewarded_at is not None
