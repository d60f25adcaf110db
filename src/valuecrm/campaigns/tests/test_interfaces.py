"""Campaigns through the API and the CLI, as people use them."""

import io

from django.core.management import call_command

from valuecrm.campaigns.models import Send, Submission
from valuecrm.campaigns.referrals import poster_png, referral_link
from valuecrm.campaigns.tests.screens import screenshot


def test_a_campaign_from_the_api_to_its_results(org, audience, segment, api, settings, tmp_path):
    settings.HOME = tmp_path
    manager = api(org.manager_a)
    created = manager.post("/campaigns", {
        "name": "春季", "segment": segment.pk, "holdout_percent": 20,
        "variants": [{"name": "A", "message": "A!"}, {"name": "B", "message": "B!",
                                                      "channel": "sms"}]})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api(org.rep_a).post(f"/campaigns/{pk}/schedule", {}).status_code == 404
    assert manager.post(f"/campaigns/{pk}/schedule", {}).status_code == 200
    out = io.StringIO()
    call_command("campaigns", "send-due", stdout=out)
    assert f"[{pk}]" in out.getvalue()
    results = manager.get(f"/campaigns/{pk}/results").json()
    assert [g["group"] for g in results["groups"]] == ["A", "B", "holdout"]
    assert sum(g["audience"] for g in results["groups"]) == 40
    out = io.StringIO()
    call_command("campaigns", "results", str(pk), "--as", "manager_a", stdout=out)
    assert "holdout" in out.getvalue() and "too_small" in out.getvalue()


def test_reps_cannot_create_campaigns(org, segment, api):
    response = api(org.rep_a).post("/campaigns", {
        "name": "x", "segment": segment.pk, "variants": [{"name": "A", "message": "x"}]})
    assert response.status_code == 403


def test_a_cancelled_campaign_is_never_sent(org, make_campaign, api):
    from valuecrm.campaigns.actions import send_due_campaigns

    campaign = make_campaign()
    manager = api(org.manager_a)
    manager.post(f"/campaigns/{campaign.pk}/schedule", {})
    assert manager.post(f"/campaigns/{campaign.pk}/cancel").json()["status"] == "cancelled"
    assert send_due_campaigns() == [] and not Send.objects.exists()
    assert manager.post(f"/campaigns/{campaign.pk}/cancel").status_code == 409


def test_opt_out_through_the_api_reaches_only_in_scope_contacts(org, records, api):
    rep = api(org.rep_a)
    assert rep.post(f"/contacts/{records['rep_a'].contact.pk}/opt-out",
                    {"channel": "sms"}).status_code == 200
    assert rep.post(f"/contacts/{records['rep_b'].contact.pk}/opt-out", {}).status_code == 404


def test_participants_upload_screenshots_publicly_and_managers_review(
        org, audience, make_campaign, api, client, settings, tmp_path):
    from valuecrm.campaigns.referrals import enrol

    settings.HOME = tmp_path
    campaign = make_campaign(kind="referral", reward="券")
    [alice] = enrol(campaign, [audience[0]]).values()
    url = f"/api/v1/public/referrals/uploads/{alice.upload_key}"
    assert client.get(f"{url}/poster.png")["Content-Type"] == "image/png"
    good = io.BytesIO(screenshot(poster_png(alice), seed=11))
    good.name = "share.jpg"
    response = client.post(f"{url}/screenshots", {"image": good})
    assert response.status_code == 201 and response.json()["status"] == "accepted"
    blank = io.BytesIO(screenshot(None, seed=12))
    blank.name = "blank.jpg"
    queued = client.post(f"{url}/screenshots", {"image": blank}).json()
    assert queued["status"] == "manual"
    listed = api(org.manager_a).get("/referral-submissions", status="manual").json()
    assert [s["id"] for s in listed["items"]] == [queued["id"]]
    assert api(org.rep_b).get("/referral-submissions").json()["count"] == 0
    decided = api(org.manager_a).post(f"/referral-submissions/{queued['id']}/reject")
    assert decided.json()["status"] == "rejected"
    signup = client.post(referral_link(alice).split("8000", 1)[1], {"name": "新人"})
    assert signup.status_code == 201
    assert alice.referrals.count() == 1
    assert Submission.objects.filter(rewarded_at__isnull=False).count() == 1
    assert not Send.objects.exists()


def test_customer_and_contact_lists_filter_by_segment(org, audience, segment, records, api):
    manager = api(org.manager_a)
    customers = manager.get("/customers", segment=segment.pk).json()
    assert customers["count"] == 40
    contacts = manager.get("/contacts", segment=segment.pk).json()
    assert {c["id"] for c in contacts["items"]} <= {c.pk for c in audience}
    assert api(org.rep_b).get("/customers", segment=segment.pk).json()["count"] == 0
    listed = manager.get("/segments").json()["items"]
    assert listed[0]["counts"] == {"customers": 40, "contacts": 40}
