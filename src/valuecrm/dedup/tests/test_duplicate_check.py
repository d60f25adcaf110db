"""查重 before saving: phone, email and company name compared in normalised form; duplicates
in other teams are reported without their details."""

from io import StringIO

from django.core.management import call_command

from valuecrm.crm.models import Customer
from valuecrm.pool.models import Pool


def check(client, **body):
    response = client.post("duplicates/check", body)
    assert response.status_code == 200, response.content
    return response.json()["candidates"]


def test_a_phone_written_differently_finds_the_same_number(org, api, records):
    # Every rep's lead in the fixture has 13812345678.
    found = check(api(org.rep_a), kind="lead", phone="+86 138-1234-5678")
    leads = [c for c in found if c["kind"] == "lead"]
    assert len(leads) == 4
    mine = [c for c in leads if c["visible"]]
    assert [c["id"] for c in mine] == [records["rep_a"].lead.pk]
    assert mine[0]["matches"] == [{"field": "phone", "strength": 1.0}]
    assert mine[0]["owner"] == "rep_a" and mine[0]["phone"] == "+8613812345678"


def test_a_duplicate_outside_my_scope_shows_only_its_team(org, api, records):
    found = check(api(org.rep_a), kind="lead", phone="13812345678")
    hidden = sorted((c for c in found if not c["visible"]), key=lambda c: c["owner_team"])
    assert [c["owner_team"] for c in hidden] == ["上海一组", "成都组", "杭州组"]
    for candidate in hidden:
        assert candidate["matches"] == [{"field": "phone", "strength": 1.0}]
        assert (candidate["id"], candidate["name"], candidate["phone"], candidate["email"],
                candidate["owner"]) == (None, None, None, None, None)
    # The manager of team A sees both of his reps' leads in full.
    visible = [c["owner"] for c in check(api(org.manager_a), kind="lead", phone="13812345678")
               if c["visible"]]
    assert sorted(visible) == ["rep_a", "rep_a2"]


def test_email_case_and_width_do_not_matter(org, api, customer_of):
    customer = customer_of(org.rep_a, "甲公司", email="Sales@ACME.com")
    found = check(api(org.rep_a), kind="customer", email="  ＳＡＬＥＳ@acme.COM ")
    assert [(c["kind"], c["id"], c["matches"]) for c in found] == [
        ("customer", customer.pk, [{"field": "email", "strength": 1.0}])]


def test_company_suffixes_and_punctuation_are_ignored(org, api, customer_of):
    customer = customer_of(org.rep_a, "上海华为技术有限公司")
    for name in ("上海华为技术", "上海华为技术股份有限公司", "上海 华为技术（集团）",
                 "上海华为技术有限责任公司"):
        found = check(api(org.rep_a), kind="customer", company=name)
        assert [(c["id"], c["matches"]) for c in found] == [
            (customer.pk, [{"field": "company", "strength": 1.0}])], name
    latin = customer_of(org.rep_a, "Acme Trading Co., Ltd.")
    found = check(api(org.rep_a), kind="lead", company="ACME trading inc")
    assert [c["id"] for c in found] == [latin.pk]


def test_similar_company_names_are_scored_below_exact(org, api, customer_of):
    customer = customer_of(org.rep_a, "上海华为技术有限公司")
    found = check(api(org.rep_a), kind="customer", company="上海华为科技有限公司")
    assert [c["id"] for c in found] == [customer.pk]
    assert 0.6 <= found[0]["strength"] < 1.0
    assert check(api(org.rep_a), kind="customer", company="北京字节跳动") == []


def test_a_lead_is_checked_against_customers_and_contacts_too(org, api, records):
    contact = records["rep_a"].contact
    contact.phone = "+8613987654321"
    contact.save()
    found = check(api(org.rep_a), kind="lead", phone="13987654321",
                  company="rep_a 客户")
    assert {(c["kind"], c["id"], c["strength"]) for c in found if c["visible"]} == {
        ("contact", contact.pk, 1.0), ("customer", records["rep_a"].customer.pk, 1.0)}
    # The other reps' "rep_x 客户有限公司" are similar names, reported without details.
    assert {(c["kind"], c["owner_team"]) for c in found if not c["visible"]} == {
        ("customer", "上海一组"), ("customer", "杭州组"), ("customer", "成都组")}


def test_editing_a_record_does_not_report_itself(org, api, records):
    lead = records["rep_a"].lead
    found = check(api(org.rep_a), kind="lead", phone="13812345678", exclude_id=lead.pk)
    assert lead.pk not in [c["id"] for c in found]


def test_a_customer_waiting_in_the_pool_says_so(org, api, customer_of):
    pool = Pool.objects.create(name="华东公海", unit=org.east)
    customer = customer_of(org.admin, "公海客户", phone="13700001111")
    Customer.objects.filter(pk=customer.pk).update(owner=None, pool=pool)
    [candidate] = check(api(org.rep_a), kind="customer", phone="13700001111")
    assert candidate["in_pool"] is True and candidate["visible"] is False


def test_malformed_values_are_reported_by_field(org, api):
    response = api(org.rep_a).post("duplicates/check",
                                   {"kind": "lead", "phone": "12", "email": "nope"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"phone", "email"}
    assert api(org.rep_a).post("duplicates/check", {"kind": "order"}).status_code == 422


def test_the_command_checks_as_a_user(org, records):
    out = StringIO()
    call_command("duplicates", "check", "--as", "rep_b", "--phone", "13812345678", stdout=out)
    text = out.getvalue()
    assert f"lead {records['rep_b'].lead.pk}\t" in text
    assert "lead (not yours)\tteam 上海一组" in text
    assert "4 possible duplicates" in text
