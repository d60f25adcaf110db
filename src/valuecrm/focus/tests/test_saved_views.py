"""Saved views: personal unless shared with a unit, checked against the list they belong to,
changed only by their owner."""

import pytest


@pytest.fixture
def view_body(channel):
    return {"name": "我的新线索", "kind": "leads",
            "filters": {"status": "new", "channel": channel.pk},
            "ordering": "-created_at", "columns": ["name", "company_name", "status"]}


def test_a_saved_view_opens_as_a_valid_list_query(org, records, view_body, api):
    client = api(org.rep_a)
    created = client.post("saved-views", view_body)
    assert created.status_code == 201, created.content
    view = created.json()
    assert view["mine"] is True and view["shared_with"] is None
    listing = client.get(view["kind"], **view["filters"], ordering=view["ordering"]).json()
    assert [lead["id"] for lead in listing["items"]] == [records["rep_a"].lead.pk]


def test_personal_views_stay_personal_and_sharing_reaches_the_unit_below(org, view_body, api):
    owner = api(org.rep_a)
    pk = owner.post("saved-views", view_body).json()["id"]

    def seen_by(user):
        return pk in [v["id"] for v in api(user).get("saved-views").json()]

    assert not any(seen_by(u) for u in (org.rep_a2, org.manager_a, org.admin))
    assert owner.patch(f"saved-views/{pk}", {"shared_with": org.team_a.pk}).status_code == 200
    assert seen_by(org.rep_a2) and seen_by(org.manager_a)
    assert not seen_by(org.rep_b) and not seen_by(org.head_east)
    assert owner.patch(f"saved-views/{pk}", {"shared_with": org.east.pk}).status_code == 200
    assert seen_by(org.rep_b) and seen_by(org.head_east) and not seen_by(org.rep_c)
    shared = api(org.rep_b).get(f"saved-views/{pk}").json()
    assert shared["mine"] is False
    assert api(org.rep_c).get(f"saved-views/{pk}").status_code == 404


def test_only_the_owner_changes_or_deletes_a_view(org, view_body, api):
    owner = api(org.rep_a)
    pk = owner.post("saved-views", {**view_body, "shared_with": org.team_a.pk}).json()["id"]
    teammate = api(org.rep_a2)
    response = teammate.patch(f"saved-views/{pk}", {"name": "改名"})
    assert response.status_code == 403 and response.json()["code"] == "not_owner"
    assert teammate.delete(f"saved-views/{pk}").status_code == 403
    assert api(org.rep_c).delete(f"saved-views/{pk}").status_code == 404
    assert owner.delete(f"saved-views/{pk}").status_code == 204
    assert owner.get(f"saved-views/{pk}").status_code == 404


def test_people_share_only_with_their_own_units(org, view_body, api):
    response = api(org.rep_a).post("saved-views", {**view_body, "shared_with": org.team_b.pk})
    assert response.status_code == 422 and "shared_with" in response.json()["errors"]
    anywhere = api(org.admin).post("saved-views", {**view_body, "shared_with": org.team_b.pk})
    assert anywhere.status_code == 201
    # Analysts change no record, but they do save views for themselves.
    assert api(org.analyst).post("saved-views", view_body).status_code == 201


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "nonsense"}, "kind"),
    ({"filters": {"colour": "red"}}, "filters"),
    ({"filters": {"status": "bogus"}}, "filters.status"),
    ({"filters": {"created_after": "yesterday"}}, "filters.created_after"),
    ({"ordering": "phone"}, "ordering"),
    ({"columns": ["name", "secret"]}, "columns"),
    ({"name": "  "}, "name"),
])
def test_bad_views_are_refused_field_by_field(org, view_body, api, change, field):
    response = api(org.rep_a).post("saved-views", {**view_body, **change})
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_names_are_unique_per_owner_and_list(org, view_body, api):
    assert api(org.rep_a).post("saved-views", view_body).status_code == 201
    again = api(org.rep_a).post("saved-views", view_body)
    assert again.status_code == 409 and again.json()["code"] == "duplicate_name"
    assert api(org.rep_a2).post("saved-views", view_body).status_code == 201
    other_list = {**view_body, "kind": "customers", "filters": {}, "columns": []}
    assert api(org.rep_a).post("saved-views", other_list).status_code == 201
