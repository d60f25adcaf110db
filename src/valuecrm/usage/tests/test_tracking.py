"""Page views, API calls and key actions become usage events, without field values; the
batched write path loses nothing; retention purges old events."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from valuecrm.usage import buffer
from valuecrm.usage.actions import track
from valuecrm.usage.models import UsageDay, UsageEvent

SECRET = "机密客户名称-Zq93"


def _all_values() -> str:
    return " ".join(str(v) for row in UsageEvent.objects.values_list() for v in row)


def test_api_calls_and_domain_actions_are_recorded_without_field_values(
        org, channel, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(org.rep_a).post("leads", {"name": SECRET, "company_name": SECRET,
                                                 "phone": "13812345678",
                                                 "channel": channel.pk})
    assert response.status_code == 201, response.content
    events = UsageEvent.objects.filter(user=org.rep_a)
    assert {(e.feature, e.action) for e in events} == {("leads", "api_call"), ("leads", "create")}
    call = events.get(action="api_call")
    assert call.unit_id == org.team_a.pk and call.duration_ms is not None
    assert call.session.startswith("t") and len(call.session) == 17
    assert events.get(action="create").session == call.session
    assert SECRET not in _all_values() and "13812345678" not in _all_values()
    assert UsageDay.objects.filter(user=org.rep_a, day=timezone.localdate()).count() == 1


def test_page_views_are_recorded_with_a_hashed_session(org):
    client = Client()
    client.force_login(org.rep_b)
    assert client.get("/leads/", {"q": SECRET}).status_code == 200
    event = UsageEvent.objects.get(user=org.rep_b)
    assert (event.feature, event.action) == ("leads", "page_view")
    key = client.session.session_key
    assert event.session.startswith("s") and key not in event.session
    assert SECRET not in _all_values()


def test_anonymous_requests_and_health_checks_are_not_recorded(org, api):
    assert api(None).get("leads").status_code == 401
    Client().get("/healthz")
    assert not UsageEvent.objects.exists()


def test_a_rolled_back_action_is_not_counted(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            track(org.rep_a, "leads", "create")
            raise RuntimeError
        track(org.rep_a, "pool", "claim")
    assert list(UsageEvent.objects.values_list("feature", flat=True)) == ["pool"]


@override_settings(USAGE_FLUSH_EVERY=50, USAGE_FLUSH_SECONDS=3600)
def test_the_batched_path_writes_every_event(org):
    buffer.flush()
    start = timezone.now() - timedelta(days=3)
    for i in range(120):
        buffer.record(user_id=org.reps[i % 4].pk, unit_id=None, feature="leads",
                      action="page_view", at=start + timedelta(hours=i), session="s1")
    assert UsageEvent.objects.count() == 100 and buffer.pending() == 20
    assert buffer.flush() == 20
    assert UsageEvent.objects.count() == 120 and buffer.pending() == 0
    expected = {(org.reps[i % 4].pk, timezone.localdate(start + timedelta(hours=i)))
                for i in range(120)}
    assert set(UsageDay.objects.values_list("user_id", "day")) == expected


@override_settings(USAGE_FLUSH_EVERY=1000, USAGE_FLUSH_SECONDS=3600)
def test_a_failed_write_keeps_the_batch_for_the_next_flush(org, monkeypatch):
    for _ in range(5):
        buffer.record(user_id=org.rep_a.pk, unit_id=None, feature="leads", action="page_view")
    real = buffer.write
    monkeypatch.setattr(buffer, "write", lambda batch: (_ for _ in ()).throw(OSError("down")))
    assert buffer.flush() == 0 and buffer.pending() == 5
    monkeypatch.setattr(buffer, "write", real)
    assert buffer.flush() == 5
    assert UsageEvent.objects.count() == 5


@override_settings(USAGE_TRACKING=False)
def test_tracking_can_be_switched_off(org, api):
    api(org.rep_a).get("leads")
    assert not UsageEvent.objects.exists()


@override_settings(USAGE_RETENTION_DAYS=30)
def test_purge_deletes_what_is_older_than_the_retention(org):
    now = timezone.now()
    for days in (40, 31, 29, 0):
        buffer.record(user_id=org.rep_a.pk, unit_id=None, feature="leads", action="page_view",
                      at=now - timedelta(days=days))
    out = StringIO()
    call_command("usage", "purge", stdout=out)
    assert "deleted 2 events and 2 active days" in out.getvalue()
    assert UsageEvent.objects.count() == 2 and UsageDay.objects.count() == 2
