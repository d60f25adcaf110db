"""Creating a campaign from the campaigns page: the form posts to
campaigns.actions.create_campaign, whose errors come back next to the field or the variant
they name; only those who run campaigns see the form."""

import pytest
from django.urls import reverse

from valuecrm.campaigns.models import Campaign, Variant
from valuecrm.segments.actions import create_segment

URL = "/campaigns/new/"


@pytest.fixture
def segment(org):
    return create_segment(actor=org.admin, name="母婴客户",
                          definition={"field": "industry", "value": "母婴"})


def campaign_post(segment, **changes):
    """Variants A (email) and B (SMS) of an A/B test, and the third row left blank."""
    data = {
        "name": "春季焕新", "kind": "standard", "segment": segment.pk, "holdout_percent": "20",
        "window_days": "14", "cap_messages": "2", "cap_days": "7", "reward": "",
        "variants-TOTAL_FORMS": "3", "variants-INITIAL_FORMS": "2",
        "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "1000",
        "variants-0-name": "A", "variants-0-channel": "email", "variants-0-subject": "春季礼包",
        "variants-0-message": "您好，春季礼包已开放。", "variants-0-offer": "",
        "variants-0-weight": "1",
        "variants-1-name": "B", "variants-1-channel": "sms", "variants-1-subject": "",
        "variants-1-message": "春季礼包：回复1领取", "variants-1-offer": "九折",
        "variants-1-weight": "2",
        "variants-2-name": "", "variants-2-channel": "email", "variants-2-subject": "",
        "variants-2-message": "", "variants-2-offer": "", "variants-2-weight": "1",
    }
    return {**data, **changes}


def test_a_manager_creates_an_ab_campaign_and_lands_on_its_page(org, segment, client):
    client.force_login(org.manager_a)
    assert URL in client.get(reverse("web:campaign_list")).content.decode()
    response = client.post(URL, campaign_post(segment))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{campaign.pk}/"
    assert (campaign.name, campaign.segment, campaign.owner, campaign.status) == (
        "春季焕新", segment, org.manager_a, Campaign.Status.DRAFT)
    assert (campaign.holdout_percent, campaign.window_days) == (20, 14)
    assert list(campaign.variants.values_list("name", "channel", "offer", "weight")) == [
        ("A", "email", "", 1), ("B", "sms", "九折", 2)]
    page = client.get(response["Location"])
    assert "春季焕新" in [str(m) for m in page.context["messages"]][0]


def test_the_action_refusals_show_next_to_the_field_and_the_variant(org, segment, client):
    client.force_login(org.manager_a)
    response = client.post(URL, campaign_post(segment, holdout_percent="95"),
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert response.context["form"].errors["holdout_percent"]
    assert "<html" not in response.content.decode()
    # The campaign itself is valid; its second variant repeats the first one's name.
    response = client.post(URL, campaign_post(segment, **{"variants-1-name": "A"}))
    assert response.status_code == 422
    variants = response.context["row_sets"][0]
    assert variants.forms[1].non_field_errors() == [
        "Another variant of this campaign has this name."]
    assert not variants.forms[0].errors
    assert not Campaign.objects.exists() and not Variant.objects.exists()


def test_shape_errors_and_a_campaign_without_variants_write_nothing(org, segment, client):
    client.force_login(org.manager_a)
    # Rows left as the form offered them (names A and B, nothing else) are skipped.
    blank = {**{f"variants-{i}-{field}": "" for i in range(2)
                for field in ("subject", "message", "offer")},
             "variants-1-channel": "email", "variants-1-weight": "1"}
    response = client.post(URL, campaign_post(segment, **blank))
    assert response.status_code == 422 and response.context["form"].non_field_errors()
    response = client.post(URL, campaign_post(segment, window_days="many",
                                              **{"variants-0-message": ""}))
    assert response.status_code == 422
    assert response.context["form"].errors["window_days"]
    assert response.context["row_sets"][0].forms[0].errors["message"]
    assert 'id="id_variants-0-message_error"' in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("who", ["rep_a", "analyst"])
def test_people_who_do_not_run_campaigns_are_refused(org, segment, client, who):
    client.force_login(getattr(org, who))
    assert URL not in client.get(reverse("web:campaign_list")).content.decode()
    assert client.get(URL).status_code == 403
    assert client.post(URL, campaign_post(segment)).status_code == 403
    assert not Campaign.objects.exists()
