"""A write based on a stale copy is refused instead of silently erasing another's change."""


def test_stale_version_gets_409_and_changes_nothing(org, records, api):
    lead = records["rep_a"].lead
    rep, manager = api(org.rep_a), api(org.manager_a)
    version = rep.get(f"leads/{lead.pk}").json()["version"]

    first = manager.patch(f"leads/{lead.pk}", {"region": "杭州", "version": version})
    assert first.status_code == 200
    assert first.json()["version"] == version + 1

    stale = rep.patch(f"leads/{lead.pk}", {"region": "苏州", "version": version})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert rep.get(f"leads/{lead.pk}").json()["region"] == "杭州"


def test_writes_without_a_version_still_apply(org, records, api):
    lead = records["rep_a"].lead
    response = api(org.rep_a).patch(f"leads/{lead.pk}", {"industry": "零售"})
    assert response.status_code == 200
    assert response.json()["industry"] == "零售"
