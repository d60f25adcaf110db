"""Who sees what, through every API path: list, detail, search, update, delete, history."""

import pytest

# API path -> attribute of the per-rep record set in conftest.make_records
SCOPED_KINDS = {
    "leads": "lead",
    "customers": "customer",
    "contacts": "contact",
    "opportunities": "opportunity",
    "contracts": "contract",
    "payment-plans": "plan",
    "payments": "payment",
    "activities": "activity",
}

# who -> whose records they see
VISIBLE = {
    "rep_a": ["rep_a"],
    "rep_b": ["rep_b"],
    "manager_a": ["rep_a", "rep_a2"],
    "head_east": ["rep_a", "rep_a2", "rep_b"],
    "analyst": ["rep_a", "rep_a2", "rep_b", "rep_c"],
    "admin": ["rep_a", "rep_a2", "rep_b", "rep_c"],
}


def _ids(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


@pytest.mark.parametrize("who", VISIBLE)
@pytest.mark.parametrize("kind", SCOPED_KINDS)
def test_lists_contain_exactly_the_callers_scope(org, records, api, who, kind):
    client = api(getattr(org, who))
    expected = {getattr(records[owner], SCOPED_KINDS[kind]).pk for owner in VISIBLE[who]}
    assert _ids(client.get(kind)) == expected


@pytest.mark.parametrize("kind", SCOPED_KINDS)
def test_rep_gets_404_for_another_reps_record_on_every_path(org, records, api, kind):
    client = api(org.rep_a)
    other = getattr(records["rep_b"], SCOPED_KINDS[kind]).pk
    own = getattr(records["rep_a"], SCOPED_KINDS[kind]).pk
    assert client.get(f"{kind}/{own}").status_code == 200
    assert client.get(f"{kind}/{other}").status_code == 404
    assert client.get(f"{kind}/{other}/history").status_code == 404
    assert client.patch(f"{kind}/{other}", {}).status_code == 404
    if kind in ("leads", "customers", "contacts", "opportunities", "contracts"):
        assert client.delete(f"{kind}/{other}").status_code == 404
        assert client.post(f"{kind}/{other}/restore").status_code == 404


def test_rep_cannot_change_another_reps_lead(org, records, api):
    lead = records["rep_b"].lead
    response = api(org.rep_a).patch(f"leads/{lead.pk}", {"name": "hijacked"})
    assert response.status_code == 404
    lead.refresh_from_db()
    assert lead.name != "hijacked"


def test_search_never_finds_out_of_scope_records(org, records, api):
    client = api(org.rep_a)
    assert _ids(client.get("leads", q="rep_b")) == set()
    assert _ids(client.get("customers", q="rep_b")) == set()
    assert _ids(client.get("leads", q="rep_a")) == {records["rep_a"].lead.pk}


def test_manager_sees_exactly_the_team_subtree_and_can_edit_it(org, records, api):
    client = api(org.manager_a)
    lead = records["rep_a2"].lead
    assert client.patch(f"leads/{lead.pk}", {"region": "上海"}).status_code == 200
    assert client.get(f"leads/{records['rep_b'].lead.pk}").status_code == 404


def test_department_head_sees_every_team_of_the_department_only(org, records, api):
    client = api(org.head_east)
    assert client.get(f"customers/{records['rep_b'].customer.pk}").status_code == 200
    assert client.get(f"customers/{records['rep_c'].customer.pk}").status_code == 404


def test_analyst_reads_everything_but_cannot_write(org, records, api, channel):
    client = api(org.analyst)
    lead = records["rep_c"].lead
    assert client.get(f"leads/{lead.pk}").status_code == 200
    response = client.patch(f"leads/{lead.pk}", {"region": "北京"})
    assert response.status_code == 403
    assert response.json()["code"] == "read_only"
    assert client.post("leads", {"name": "新线索"}).status_code == 403
    assert client.delete(f"leads/{lead.pk}").status_code == 403
    lead.refresh_from_db()
    assert lead.region == "" and lead.deleted_at is None


def test_rep_cannot_give_a_record_to_someone_outside_their_scope(org, records, api):
    client = api(org.rep_a)
    response = client.post("leads", {"name": "张三", "owner": org.rep_b.pk})
    assert response.status_code == 422
    assert "owner" in response.json()["errors"]


def test_manager_can_assign_within_the_team_but_not_outside(org, api):
    client = api(org.manager_a)
    ok = client.post("leads", {"name": "李四", "owner": org.rep_a2.pk})
    assert ok.status_code == 201
    assert ok.json()["owner"] == org.rep_a2.pk
    refused = client.post("leads", {"name": "王五", "owner": org.rep_c.pk})
    assert refused.status_code == 422


def test_records_cannot_point_at_out_of_scope_records(org, records, api):
    client = api(org.rep_a)
    response = client.post("contacts", {"customer": records["rep_b"].customer.pk, "name": "X"})
    assert response.status_code == 422
    assert "customer" in response.json()["errors"]


def test_anonymous_callers_get_401_everywhere(records, api):
    client = api(None)
    for kind in SCOPED_KINDS:
        assert client.get(kind).status_code == 401


def test_reference_data_is_read_by_all_and_written_by_admins_only(org, channel, api):
    assert api(org.rep_a).get("channels").json()["count"] == 1
    refused = api(org.rep_a).post("channels", {"name": "展会", "code": "expo"})
    assert refused.status_code == 403
    created = api(org.admin).post("channels", {"name": "展会", "code": "expo"})
    assert created.status_code == 201
