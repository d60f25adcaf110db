"""API tokens: stored hashed, scoped (read-only or read-write), revocable, expiring."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from valuecrm.org.actions import create_api_token, revoke_api_token
from valuecrm.org.models import ApiToken


def _client(client, key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_only_the_hash_of_a_token_is_stored(org):
    record, key = create_api_token(actor=org.rep_a, user=org.rep_a)
    stored = ApiToken.objects.values_list("key_hash", "hint").get(pk=record.pk)
    assert key not in stored and stored[0] == ApiToken.hash_key(key)


def test_a_read_only_token_reads_but_cannot_write(records, org, client):
    _record, key = create_api_token(actor=org.rep_a, user=org.rep_a,
                                    scope=ApiToken.Scope.READ)
    auth = _client(client, key)
    lead = records["rep_a"].lead
    assert client.get("/api/v1/leads", **auth).status_code == 200
    assert client.get("/api/v1/export/leads", **auth).status_code == 200
    response = client.patch(f"/api/v1/leads/{lead.pk}", '{"name": "x"}',
                            content_type="application/json", **auth)
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert client.delete(f"/api/v1/leads/{lead.pk}", **auth).status_code == 403
    lead.refresh_from_db()
    assert lead.name == "线索 rep_a" and lead.deleted_at is None


def test_tokens_are_read_write_unless_asked(records, org, api):
    response = api(org.rep_a).post("/tokens", {"name": "BI", "scope": "read"})
    assert response.status_code == 201 and response.json()["scope"] == "read"
    assert api(org.rep_a).post("/tokens", {"name": "sync"}).json()["scope"] == "write"
    assert api(org.rep_a).post("/tokens", {"scope": "admin"}).status_code == 422


def test_expired_and_revoked_tokens_are_refused(org, client):
    record, key = create_api_token(actor=org.rep_a, user=org.rep_a,
                                   expires_at=timezone.now() + timedelta(minutes=5))
    assert client.get("/api/v1/me", **_client(client, key)).status_code == 200
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now())
    assert client.get("/api/v1/me", **_client(client, key)).status_code == 401
    record, key = create_api_token(actor=org.rep_a, user=org.rep_a)
    revoke_api_token(actor=org.rep_a, token_id=record.pk)
    assert client.get("/api/v1/me", **_client(client, key)).status_code == 401


def test_a_deactivated_person_s_tokens_stop_working(org, client):
    _record, key = create_api_token(actor=org.rep_a, user=org.rep_a)
    org.rep_a.is_active = False
    org.rep_a.save()
    assert client.get("/api/v1/me", **_client(client, key)).status_code == 401


def test_the_command_line_creates_read_only_tokens(org, capsys, client):
    call_command("token", "create", "rep_a", "--read-only")
    key = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(key)).scope == "read"


def test_the_profile_page_creates_read_only_tokens(org, client):
    client.force_login(org.rep_a)
    response = client.post("/profile/tokens/", {"name": "BI", "scope": "read"})
    assert response.status_code == 200
    assert ApiToken.objects.get(user=org.rep_a, name="BI").scope == "read"
