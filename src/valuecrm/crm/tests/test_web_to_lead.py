"""Leads submitted on the company's website arrive with their channel and are assigned."""

import pytest
from django.core.cache import cache
from django.test import Client

from valuecrm.assignment.models import AssignmentMember, AssignmentRule
from valuecrm.crm.models import Lead


@pytest.fixture
def form_channel(channel):
    channel.capture_key = "k3y-for-tests"
    channel.thanks_url = "https://example.com/thanks"
    channel.save()
    cache.clear()
    return channel


def _submit(fields, key="k3y-for-tests", **headers):
    return Client().post(f"/api/v1/public/leads/{key}", fields, **headers)


def test_a_submitted_lead_arrives_with_its_channel_and_is_assigned(org, form_channel):
    rule = AssignmentRule.objects.create(name="官网", unit=org.team_a, channel=form_channel)
    AssignmentMember.objects.create(rule=rule, user=org.rep_a)
    response = _submit({"name": "赵敏", "company_name": "明教贸易", "phone": "13912345678"})
    assert response.status_code == 202
    lead = Lead.objects.get(name="赵敏")
    assert lead.channel == form_channel
    assert lead.owner == org.rep_a and lead.assigned_at is not None
    assert lead.phone == "+8613912345678"


def test_without_a_matching_rule_the_lead_waits_unowned(org, form_channel):
    _submit({"name": "周芷若"})
    assert Lead.objects.get(name="周芷若").owner is None


def test_a_browser_form_is_sent_to_the_thank_you_page(db, form_channel):
    response = _submit({"name": "张无忌"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 302
    assert response["Location"] == "https://example.com/thanks"


def test_the_honeypot_catches_bots_without_telling_them(db, form_channel):
    response = _submit({"name": "spam", "website": "http://spam.example"})
    assert response.status_code == 202
    assert not Lead.objects.filter(name="spam").exists()


def test_invalid_submissions_get_field_errors(db, form_channel):
    response = _submit({"name": "", "company_name": "", "phone": "123"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"name", "phone"}


def test_unknown_or_disabled_forms_answer_404(db, form_channel):
    assert _submit({"name": "x"}, key="nope").status_code == 404
    form_channel.is_active = False
    form_channel.save()
    assert _submit({"name": "x"}).status_code == 404


def test_submissions_are_rate_limited_per_address(db, form_channel, settings):
    assert settings.CAPTURE_RATE == "20/m"
    statuses = [_submit({"name": f"访客{i}"}).status_code for i in range(25)]
    assert statuses[:20] == [202] * 20
    assert set(statuses[20:]) == {429}


def test_the_embeddable_form_posts_to_the_channel(db, form_channel):
    response = Client().get("/api/v1/public/leads/k3y-for-tests/form.html")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="http://testserver/api/v1/public/leads/k3y-for-tests"' in html
    assert 'name="website"' in html
