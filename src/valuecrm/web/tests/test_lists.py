"""Record lists: only what the user may see, with search, filters, sort and pages."""

import pytest

from valuecrm.crm.actions import create_lead
from valuecrm.crm.models import Lead
from valuecrm.web import listing

LISTS = ["/leads/", "/customers/", "/contacts/", "/opportunities/", "/contracts/",
         "/activities/"]


@pytest.mark.parametrize("path", LISTS)
def test_a_rep_lists_only_their_own_records(records, org, client, path):
    client.force_login(org.rep_a)
    response = client.get(path)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows, path
    html = response.content.decode()
    for other in ("rep_b", "rep_c", "rep_a2"):
        assert f"{other} " not in html, (path, other)


@pytest.mark.parametrize("path", LISTS)
def test_a_manager_lists_the_team_and_nothing_else(records, org, client, path):
    client.force_login(org.manager_a)
    rows = client.get(path).context["rows"]
    owners = {getattr(r, "owner_id", None) or r.customer.owner_id for r in rows}
    assert owners == {org.rep_a.pk, org.rep_a2.pk}


def test_search_filter_and_sort_leads(org, client, channel):
    for name, company in [("张三", "甲公司"), ("李四", "乙公司"), ("王五", "丙公司")]:
        create_lead(actor=org.rep_a, data={"name": name, "company_name": company})
    create_lead(actor=org.rep_b, data={"name": "张三丰", "company_name": "别人的公司"})
    client.force_login(org.rep_a)
    rows = client.get("/leads/", {"q": "张"}).context["rows"]
    assert [r.name for r in rows] == ["张三"]
    rows = client.get("/leads/", {"sort": "name"}).context["rows"]
    assert [r.name for r in rows] == sorted(["张三", "李四", "王五"])
    rows = client.get("/leads/", {"status": "converted"}).context["rows"]
    assert rows == []


def test_a_bad_filter_value_is_reported_not_a_crash(org, client):
    client.force_login(org.rep_a)
    response = client.get("/leads/", {"status": "nonsense", "sort": "password", "page": "x"})
    assert response.status_code == 200
    assert response.context["filters"].errors["status"]


def test_htmx_gets_only_the_results_fragment(records, org, client):
    client.force_login(org.rep_a)
    response = client.get("/leads/", {"q": "线索"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<div id="results"' in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_pages_and_a_bounded_count(org, client, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    for i in range(5):
        create_lead(actor=org.rep_a, data={"name": f"L{i}"})
    client.force_login(org.rep_a)
    first = client.get("/leads/", {"sort": "name"}).context
    assert [r.name for r in first["rows"]] == ["L0", "L1"]
    assert first["has_next"] and first["capped"] and first["total"] == 3
    third = client.get("/leads/", {"sort": "name", "page": 3}).context
    assert [r.name for r in third["rows"]] == ["L4"] and not third["has_next"]


def test_list_values_are_escaped(org, client):
    create_lead(actor=org.rep_a, data={"name": "<script>alert(1)</script>"})
    client.force_login(org.rep_a)
    html = client.get("/leads/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert Lead.objects.count() == 1
