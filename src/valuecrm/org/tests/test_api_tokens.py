"""API tokens: created by CLI or API, stored hashed, revocable, expiring."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from valuecrm.org.models import ApiToken


def _bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _create_by_cli(*args):
    out = StringIO()
    call_command("token", "create", *args, stdout=out)
    return out.getvalue()


def test_cli_prints_a_token_on_its_own_line_that_the_api_accepts(org):
    output = _create_by_cli("rep_a")
    lines = output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("vcrm_")
    response = Client().get("/api/v1/me", **_bearer(lines[0]))
    assert response.status_code == 200
    assert response.json()["username"] == "rep_a"


def test_only_the_hash_is_stored(org):
    token = _create_by_cli("rep_a").strip()
    record = ApiToken.objects.get(user=org.rep_a)
    assert token not in (record.key_hash, record.hint)
    assert record.key_hash == ApiToken.hash_key(token)


def test_cli_refuses_an_unknown_user(org):
    with pytest.raises(CommandError, match="No user named"):
        _create_by_cli("nobody")


def test_revoked_and_expired_tokens_are_refused(org):
    token = _create_by_cli("rep_a").strip()
    record = ApiToken.objects.get(user=org.rep_a)
    call_command("token", "revoke", str(record.pk), stdout=StringIO())
    assert Client().get("/api/v1/me", **_bearer(token)).status_code == 401

    token = _create_by_cli("rep_a", "--days", "1").strip()
    ApiToken.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert Client().get("/api/v1/me", **_bearer(token)).status_code == 401


def test_a_deactivated_users_token_stops_working(org):
    token = _create_by_cli("rep_a").strip()
    org.rep_a.is_active = False
    org.rep_a.save()
    assert Client().get("/api/v1/leads", **_bearer(token)).status_code == 401


def test_users_manage_their_own_tokens_through_the_api(org, api):
    client = api(org.rep_a)
    created = client.post("tokens", {"name": "脚本"})
    assert created.status_code == 201
    token = created.json()["token"]
    assert Client().get("/api/v1/me", **_bearer(token)).status_code == 200
    listed = client.get("tokens").json()
    assert "token" not in listed[0]
    new_id = created.json()["id"]
    assert api(org.rep_b).delete(f"tokens/{new_id}").status_code == 404
    assert client.delete(f"tokens/{new_id}").status_code == 204
    assert Client().get("/api/v1/me", **_bearer(token)).status_code == 401


def test_garbage_tokens_get_401(db):
    assert Client().get("/api/v1/leads", **_bearer("vcrm_nope")).status_code == 401
