"""Keyset pages: following `next` with `after` walks a list in the same order as offsets,
for the default sort and a chosen one, ties included; a forged cursor is a 422."""

from datetime import timedelta

from django.utils import timezone

from valuecrm.crm.actions import create_lead
from valuecrm.crm.models import Lead


def _walk(client, **params) -> list[int]:
    seen, after = [], None
    while True:
        page = client.get("leads", limit=3, **params, **({"after": after} if after else {}))
        assert page.status_code == 200, page.content
        body = page.json()
        seen += [item["id"] for item in body["items"]]
        after = body["next"]
        if after is None:
            return seen


def test_following_next_gives_the_offset_order(org, channel, api):
    same_time = timezone.now() - timedelta(days=3)
    for index in range(8):
        lead = create_lead(actor=org.rep_a, data={"name": f"客户{index % 3}",
                                                  "channel_id": channel.pk})
        if index < 4:  # ties in the sort key: the id decides
            Lead.objects.filter(pk=lead.pk).update(created_at=same_time)
    client = api(org.rep_a)
    for ordering in (None, "name", "-name", "created_at"):
        params = {"ordering": ordering} if ordering else {}
        by_offset = [item["id"] for item in
                     client.get("leads", limit=100, **params).json()["items"]]
        assert len(by_offset) == 8
        assert _walk(client, **params) == by_offset


def test_the_last_page_has_no_next_and_a_forged_cursor_is_refused(org, channel, api):
    create_lead(actor=org.rep_a, data={"name": "独一", "channel_id": channel.pk})
    client = api(org.rep_a)
    assert client.get("leads", limit=3).json()["next"] is None
    response = client.get("leads", after="bm90LWEtY3Vyc29y")
    assert response.status_code == 422
    assert "after" in response.json()["errors"]


def test_a_list_built_in_python_pages_by_offset_only(org, api):
    client = api(org.admin)
    assert client.get("recycle-bin").json()["next"] is None
    assert client.get("recycle-bin", after="x").status_code == 422
