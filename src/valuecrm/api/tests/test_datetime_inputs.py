"""Dates and times in requests: any valid ISO 8601 offset is read as the same instant, even
offsets PostgreSQL refuses to store or compare, and the request after it still works."""

from datetime import UTC, datetime, timedelta


def test_an_offset_the_database_refuses_is_read_as_the_same_instant(org, records, api):
    client = api(org.admin)
    everything = client.get("leads").json()["count"]
    # -18:49 is valid ISO 8601 but outside PostgreSQL's range for a time zone offset.
    response = client.get("leads", created_after="0880-05-31T20:51:15-18:49")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == everything
    future = (datetime.now(UTC) + timedelta(days=1)).astimezone().isoformat()
    assert client.get("leads", created_after=future).json()["count"] == 0
    assert client.get("leads").json()["count"] == everything


def test_an_instant_past_the_calendar_is_a_clear_error(org, api):
    response = api(org.admin).get("leads", created_after="0001-01-01T00:00:00+18:00")
    assert response.status_code == 422
    assert "created_after" in response.json()["errors"]
