import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The shared fixtures create eight users with passwords; the default hasher is slow on
    # purpose, which only slows the page tests down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
