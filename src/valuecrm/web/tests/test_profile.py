"""Profile page: API tokens are created (shown once), listed, and revoked."""

from valuecrm.org.models import ApiToken


def test_a_new_token_is_shown_once_and_then_only_its_hint(org, client):
    client.force_login(org.rep_a)
    response = client.post("/profile/tokens/", {"name": "BI sync"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("vcrm_") and key in response.content.decode()
    token = ApiToken.objects.get(user=org.rep_a)
    assert token.name == "BI sync" and token.key_hash == ApiToken.hash_key(key)
    page = client.get("/profile/").content.decode()
    assert key not in page and token.hint in page


def test_the_new_token_works_on_the_api(org, client, api):
    client.force_login(org.rep_a)
    key = client.post("/profile/tokens/", {"name": "cli"}).context["new_key"]
    response = client.get("/api/v1/leads", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_an_expiry_in_the_past_is_refused_on_the_field(org, client):
    client.force_login(org.rep_a)
    response = client.post("/profile/tokens/", {"name": "old", "expires_on": "2001-01-01"})
    assert response.status_code == 422
    assert response.context["form"].errors["expires_on"]
    assert not ApiToken.objects.exists()


def test_revoke_my_token_but_not_someone_elses(org, client):
    client.force_login(org.rep_b)
    client.post("/profile/tokens/", {"name": "b"})
    theirs = ApiToken.objects.get(user=org.rep_b)
    client.force_login(org.rep_a)
    client.post("/profile/tokens/", {"name": "a"})
    token = ApiToken.objects.get(user=org.rep_a)
    response = client.post(f"/profile/tokens/{theirs.pk}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    response = client.post(f"/profile/tokens/{token.pk}/revoke/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in response.content.decode() or "已吊销" in response.content.decode()
