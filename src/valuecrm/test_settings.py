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
