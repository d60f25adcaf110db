"""App servers keep no state: with REDIS_URL the cache and sessions live in Redis, with a
database URL alone in the database; a replica URL adds the analytics alias. Settings are
read in a fresh interpreter per environment, as a server would start."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

SHOW = ("import json, django; from django.conf import settings as s; django.setup(); "
        "print(json.dumps({'cache': s.CACHES['default']['BACKEND'], "
        "'session': s.SESSION_ENGINE, 'aliases': sorted(s.DATABASES), "
        "'analytics': s.ANALYTICS_DATABASE}))")


def settings_under(env: dict) -> dict:
    base = {k: v for k, v in os.environ.items()
            if k not in ("REDIS_URL", "DATABASE_URL", "ANALYTICS_DATABASE_URL")}
    out = subprocess.run([sys.executable, "-c", SHOW], capture_output=True, text=True,
                         check=True, env={**base, **env,
                                          "DJANGO_SETTINGS_MODULE": "valuecrm.settings"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_redis_holds_cache_and_sessions_when_configured(tmp_path):
    found = settings_under({"REDIS_URL": "redis://127.0.0.1:6390/0",
                            "DATABASE_URL": "postgres://u@db:5432/crm",
                            "VALUECRM_HOME": str(tmp_path)})
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["session"] == "django.contrib.sessions.backends.cache"


def test_the_database_holds_them_otherwise(tmp_path):
    found = settings_under({"DATABASE_URL": "postgres://u@db:5432/crm",
                            "ANALYTICS_DATABASE_URL": "postgres://u@replica:5432/crm",
                            "VALUECRM_HOME": str(tmp_path)})
    assert found["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert found["session"] == "django.contrib.sessions.backends.db"
    assert found["aliases"] == ["analytics", "default"] and found["analytics"] == "analytics"


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on a free port (skipped where Redis is not installed)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--save", "", "--appendonly",
                                "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(50):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_signed_in_session_lives_in_redis(db, org, client, settings, redis_url):
    import redis

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    client.force_login(org.rep_a)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    stored = redis.Redis.from_url(redis_url).keys(f"*{key}*")
    assert stored, "the session is not in Redis"
    assert client.get("/healthz").status_code == 200


def test_migrate_makes_the_database_cache_table(tmp_path):
    """A fresh database gets the cache table from `migrate` alone."""
    script = ("import django; from django.core.management import call_command; "
              "django.setup(); call_command('migrate', verbosity=0); "
              "from django.core.cache import cache; cache.set('k', 'v'); print(cache.get('k'))")
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env = {**base, "DJANGO_SETTINGS_MODULE": "valuecrm.settings", "VALUECRM_HOME": str(tmp_path),
           # an SQLite file standing in for the production database URL
           "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "v"
