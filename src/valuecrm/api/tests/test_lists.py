"""List endpoints: the {items, count} shape, filters, sorting and pagination."""

from valuecrm.crm.actions import create_lead


def test_list_shape_pagination_and_sorting(org, channel, api):
    for index in range(7):
        create_lead(actor=org.rep_a, data={"name": f"客户{index:02d}", "channel_id": channel.pk})
    client = api(org.rep_a)
    page = client.get("leads", limit=3, offset=3, ordering="name").json()
    assert page["count"] == 7
    assert [item["name"] for item in page["items"]] == ["客户03", "客户04", "客户05"]
    desc = client.get("leads", ordering="-name", limit=1).json()
    assert desc["items"][0]["name"] == "客户06"


def test_unknown_sort_field_is_a_clear_error(org, api):
    response = api(org.rep_a).get("leads", ordering="owner__password")
    assert response.status_code == 422
    assert "ordering" in response.json()["errors"]


def test_filters_combine(org, records, channel, api):
    client = api(org.admin)
    assert client.get("leads", channel=channel.pk).json()["count"] == 4
    assert client.get("leads", channel=channel.pk, owner=org.rep_b.pk).json()["count"] == 1
    assert client.get("leads", status="converted").json()["count"] == 0
    bad = client.get("leads", status="nonsense")
    assert bad.status_code == 422


def test_a_page_larger_than_the_cap_is_refused_with_the_cap_named(org, records, api):
    response = api(org.admin).get("leads", limit=100000)
    assert response.status_code == 422
    assert "500" in response.json()["errors"]["limit"][0]
