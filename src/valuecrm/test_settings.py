"""Settings for the test suite: production settings plus a fast password hasher, because
the fixtures create a dozen users per test and PBKDF2 would dominate the run time."""

from valuecrm.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Assertions read English; tests of the Chinese interface switch language explicitly.
LANGUAGE_CODE = "en"

# A file, not SQLite's shared in-memory database, so tests with several threads (claim
# races) get real separate connections that wait for each other's locks.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(HOME / "test.sqlite3")}  # noqa: F405

# Usage events are written as they happen, so a test sees them and none outlives its test.
USAGE_FLUSH_EVERY = 1

# A replica alias that mirrors the test database, so the routing test can send reads to it;
# analytics reads stay on `default` (ANALYTICS_DATABASE unset) unless a test turns it on,
# because a second connection cannot see the rows of a test's open transaction.
if "analytics" not in DATABASES:  # noqa: F405
    DATABASES["analytics"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
