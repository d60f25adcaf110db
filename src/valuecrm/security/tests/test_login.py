"""Signing in: throttled after repeated failures (django-axes) on the web login and the
admin, passwords validated, session cookies hardened."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

LOGIN = reverse("web:login")
ADMIN_LOGIN = reverse("admin:login")


def _fail(client, url, username, times):
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong-password"})


def test_the_web_login_locks_a_username_after_repeated_failures(org, client, settings):
    _fail(client, LOGIN, "rep_a", settings.AXES_FAILURE_LIMIT)
    # Even the right password is refused while locked.
    response = client.post(LOGIN, {"username": "rep_a", "password": "pw-for-tests-9"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_lock_others_out(org, client, settings):
    _fail(client, LOGIN, "rep_a", settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "rep_b", "password": "pw-for-tests-9"})
    assert response.status_code == 302


def test_failures_below_the_limit_are_forgotten_after_success(org, client, settings):
    _fail(client, LOGIN, "rep_a", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(LOGIN, {"username": "rep_a", "password": "pw-for-tests-9"}
                       ).status_code == 302
    client.logout()
    _fail(client, LOGIN, "rep_a", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(LOGIN, {"username": "rep_a", "password": "pw-for-tests-9"}
                       ).status_code == 302


def test_the_admin_login_is_throttled_too(org, client, settings):
    _fail(client, ADMIN_LOGIN, "admin", settings.AXES_FAILURE_LIMIT)
    response = client.post(ADMIN_LOGIN, {"username": "admin", "password": "pw-for-tests-9"})
    assert response.status_code == 429


def test_an_administrator_unlocks_a_username(org, client, settings):
    _fail(client, LOGIN, "rep_a", settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset_username", "rep_a")
    assert client.post(LOGIN, {"username": "rep_a", "password": "pw-for-tests-9"}
                       ).status_code == 302


@pytest.mark.parametrize("password", ["short1", "12345678901", "password1234"])
def test_weak_passwords_are_refused(org, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=org.rep_a)


def test_a_strong_password_is_accepted(org):
    validate_password("青花瓷-Vase-2031", user=org.rep_a)


def test_session_cookies_are_http_only_and_same_site(org, client):
    response = client.post(LOGIN, {"username": "rep_a", "password": "pw-for-tests-9"})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
