from datetime import date

import pytest
from django.db import transaction
from django.test import override_settings

from valuecrm.demo.build import build_demo

ANCHOR = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def isolated_home(settings, tmp_path):
    """The demo's campaigns write their messages to HOME/outbox: not the developer's."""
    settings.HOME = tmp_path


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """One tiny demo build shared by a module's read-only tests, rolled back afterwards
    (each test still runs in its own savepoint through the `db` fixture)."""
    home = tmp_path_factory.mktemp("demo-home")
    with django_db_blocker.unblock(), override_settings(HOME=home), transaction.atomic():
        yield build_demo(seed=5, scale="tiny", anchor=ANCHOR)
        transaction.set_rollback(True)
