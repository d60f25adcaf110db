"""Settings for the test suite: production settings plus a fast password hasher, because
the fixtures create a dozen users per test and PBKDF2 would dominate the run time."""

from valuecrm.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
