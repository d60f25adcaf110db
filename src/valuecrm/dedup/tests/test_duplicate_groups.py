"""The data-quality view: existing records sharing a normalised key, in the caller's scope."""

from io import StringIO

from django.core.management import call_command


def test_groups_of_customers_sharing_a_phone(org, api, customer_of):
    first = customer_of(org.rep_a, "甲公司", phone="13911112222")
    second = customer_of(org.rep_a, "乙公司", phone="139-1111-2222")
    customer_of(org.rep_a, "丙公司", phone="13900000001")
    body = api(org.rep_a).get("duplicates/groups", kind="customer", by="phone").json()
    assert body["count"] == 1
    assert body["items"] == [{"key": "+8613911112222", "count": 2, "members": [
        {"id": first.pk, "name": "甲公司"}, {"id": second.pk, "name": "乙公司"}]}]


def test_groups_only_count_records_in_scope(org, api, records):
    # Four reps' leads share a phone: each rep sees no group, a manager sees his team's two.
    assert api(org.rep_a).get("duplicates/groups", kind="lead", by="phone").json()["count"] == 0
    body = api(org.manager_a).get("duplicates/groups", kind="lead", by="phone").json()
    assert [g["count"] for g in body["items"]] == [2]
    body = api(org.admin).get("duplicates/groups", kind="lead", by="phone").json()
    assert [g["count"] for g in body["items"]] == [4]


def test_groups_by_company_name_ignore_suffixes(org, api, customer_of):
    customer_of(org.rep_a, "杭州云栖科技有限公司")
    customer_of(org.rep_a, "杭州云栖科技")
    body = api(org.rep_a).get("duplicates/groups", kind="customer", by="company").json()
    assert [(g["key"], g["count"]) for g in body["items"]] == [("杭州云栖科技", 2)]


def test_contacts_cannot_be_grouped_by_company(org, api):
    response = api(org.rep_a).get("duplicates/groups", kind="contact", by="company")
    assert response.status_code == 422


def test_the_groups_command(org, records):
    out = StringIO()
    call_command("duplicates", "groups", "--as", "admin", "--kind", "lead", "--by", "phone",
                 stdout=out)
    assert "+8613812345678\t4\t" in out.getvalue()
