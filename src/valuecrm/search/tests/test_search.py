"""One search box: Chinese fragments, pinyin, initials, phone and email fragments, always
within the caller's data scope."""

from io import StringIO

import pytest
from django.core.management import call_command

from valuecrm.crm.models import Lead


@pytest.fixture
def zhangsan(org, api):
    """A lead of rep_a, created through the API as a user would."""
    response = api(org.rep_a).post("leads", {
        "name": "张三", "company_name": "杭州云栖科技有限公司", "phone": "139 1234 5678",
        "email": "Zhang.San@Example.COM",
    })
    assert response.status_code == 201
    return response.json()


def hits(response, kind="lead"):
    assert response.status_code == 200, response.content
    group = next(g for g in response.json()["groups"] if g["kind"] == kind)
    return [hit["id"] for hit in group["hits"]]


@pytest.mark.parametrize("query", [
    "张三", "张", "云栖", "栖科", "zhangsan", "ZhangSan", "zhang san", "zs", "yunqi", "hzyqkj",
    "1234", "139-1234", "+86 139 1234 5678", "zhang.san@example", "EXAMPLE.COM",
])
def test_a_rep_finds_their_lead_by_any_form_of_its_name_phone_or_email(org, api, zhangsan,
                                                                       query):
    assert hits(api(org.rep_a).get("search", q=query)) == [zhangsan["id"]]


def test_unrelated_queries_find_nothing(org, api, zhangsan):
    # One or two characters match the start of a word (a name, pinyin, initials, any two
    # Chinese characters in a row), not the middle of one: "an" is not in a word start.
    for query in ("李四", "lisi", "5555", "zs@", "an", "三栖"):
        assert hits(api(org.rep_a).get("search", q=query)) == []


def test_other_reps_never_find_the_lead_but_its_manager_does(org, api, zhangsan):
    for rep in (org.rep_a2, org.rep_b, org.rep_c):
        for query in ("张三", "zs", "1234"):
            assert hits(api(rep).get("search", q=query)) == [], (rep, query)
    assert hits(api(org.manager_a).get("search", q="zs")) == [zhangsan["id"]]
    assert hits(api(org.head_east).get("search", q="zs")) == [zhangsan["id"]]


def test_every_kind_is_searched_and_grouped(org, api, records):
    body = api(org.rep_a).get("search", q="rep_a").json()
    found = {g["kind"]: [h["title"] for h in g["hits"]] for g in body["groups"]}
    assert found == {
        "lead": ["线索 rep_a"], "customer": ["rep_a 客户有限公司"],
        "contact": ["联系人 rep_a"], "opportunity": ["商机 rep_a"],
    }
    contact = next(g for g in body["groups"] if g["kind"] == "contact")["hits"][0]
    assert contact["subtitle"] == "rep_a 客户有限公司"
    # Pinyin of the Chinese part of the name: 商机 = shangji, 联系人 = lxr.
    assert hits(api(org.rep_a).get("search", q="shangji"), "opportunity") == [
        records["rep_a"].opportunity.pk]
    assert hits(api(org.rep_a).get("search", q="lxr"), "contact") == [records["rep_a"].contact.pk]


def test_kinds_and_limit_narrow_the_search(org, api, records):
    client = api(org.admin)
    body = client.get("search", q="13812345678", kinds=["lead"], limit=2).json()
    assert [g["kind"] for g in body["groups"]] == ["lead"]
    assert len(body["groups"][0]["hits"]) == 2 and body["groups"][0]["has_more"] is True


def test_renaming_a_record_updates_what_finds_it(org, api, zhangsan):
    client = api(org.rep_a)
    client.patch(f"leads/{zhangsan['id']}", {"name": "李四"})
    assert hits(client.get("search", q="zhangsan")) == []
    assert hits(client.get("search", q="lisi")) == [zhangsan["id"]]


def test_deleted_records_are_not_found(org, api, zhangsan):
    client = api(org.rep_a)
    client.delete(f"leads/{zhangsan['id']}")
    assert hits(client.get("search", q="zs")) == []


def test_bad_queries_are_refused_clearly(org, api):
    client = api(org.rep_a)
    assert client.get("search", q="  ").json()["errors"] == {
        "q": ["Type a name, phone or email to search for."]}
    assert client.get("search", q="x" * 101).status_code == 422
    assert client.get("search", q="x", kinds=["order"]).status_code == 422
    assert api(None).get("search", q="x").status_code == 401


def test_the_command_searches_as_a_user(org, zhangsan):
    out = StringIO()
    call_command("search", "zs", "--as", "rep_a", stdout=out)
    assert f"lead {zhangsan['id']}\t张三\t杭州云栖科技有限公司" in out.getvalue()
    out = StringIO()
    call_command("search", "zs", "--as", "rep_b", stdout=out)
    assert "张三" not in out.getvalue()


def test_reindex_repairs_text_changed_behind_the_write_layer(org, zhangsan):
    Lead.objects.filter(pk=zhangsan["id"]).update(search_text="")
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert "lead: 1 updated" in out.getvalue()
    assert "zhangsan" in Lead.objects.get(pk=zhangsan["id"]).search_text
