"""Lead validation: one definition (the model), reported field by field."""

import pytest

from valuecrm.crm.models import Lead


def test_validation_errors_come_back_field_by_field(org, api):
    response = api(org.rep_a).post(
        "leads", {"name": "", "company_name": "", "phone": "12345", "email": "not-an-email"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"name", "phone", "email"}
    assert Lead.objects.count() == 0


def test_schema_errors_use_the_same_shape(org, api):
    response = api(org.rep_a).post("leads", {"name": "张三", "channel": "not-a-number"})
    assert response.status_code == 422
    assert "channel" in response.json()["errors"]


def test_unknown_fields_are_refused_not_dropped(org, api):
    response = api(org.rep_a).post("leads", {"name": "张三", "assigned_to": 3})
    assert response.status_code == 422
    assert "assigned_to" in response.json()["errors"]


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("138 1234 5678", "+8613812345678"),
        ("+86-138-1234-5678", "+8613812345678"),
        ("１３８１２３４５６７８", "+8613812345678"),
        ("021-6212 3456", "+862162123456"),
    ],
)
def test_phones_are_normalised_on_save(org, api, raw, stored):
    response = api(org.rep_a).post("leads", {"name": "张三", "phone": raw})
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == stored


def test_emails_are_normalised_and_chinese_text_round_trips(org, api):
    response = api(org.rep_a).post(
        "leads",
        {"name": "欧阳娜娜", "company_name": "深圳市前海微众科技有限公司",
         "email": "  NaNa@Example.COM ", "region": "广东省深圳市", "industry": "金融科技"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "nana@example.com"
    assert body["company_name"] == "深圳市前海微众科技有限公司"
    assert api(org.rep_a).get("leads", q="前海").json()["count"] == 1


def test_disqualifying_needs_a_reason(org, records, api):
    lead = records["rep_a"].lead
    client = api(org.rep_a)
    refused = client.patch(f"leads/{lead.pk}", {"status": "disqualified"})
    assert refused.status_code == 422
    assert "disqualify_reason" in refused.json()["errors"]
    ok = client.patch(f"leads/{lead.pk}", {"status": "disqualified", "disqualify_reason": "空号"})
    assert ok.status_code == 200


def test_an_owned_lead_is_assigned_when_created(org, api):
    body = api(org.rep_a).post("leads", {"name": "张三"}).json()
    assert body["owner"] == org.rep_a.pk
    assert body["assigned_at"] is not None
