"""`valuecrm check --deploy` is clean with the production settings of docs/deployment.md."""

import os
import secrets
import subprocess
import sys

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "crm.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://crm.example.com",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_PROXY_SSL_HEADER": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def _check(tmp_path, extra):
    env = {k: v for k, v in os.environ.items()
           if k not in PRODUCTION_ENV and k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(VALUECRM_HOME=str(tmp_path), **extra)
    return subprocess.run(
        [sys.executable, "-m", "valuecrm", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    result = _check(tmp_path, PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_names_what_a_plain_setup_misses(tmp_path):
    result = _check(tmp_path, {})
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012"):
        assert code in result.stdout + result.stderr
