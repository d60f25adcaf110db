from datetime import date

import pytest
from django.db import transaction

from valuecrm.demo.build import build_demo

ANCHOR = date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One tiny demo build shared by a module's read-only tests, rolled back afterwards
    (each test still runs in its own savepoint through the `db` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(seed=5, scale="tiny", anchor=ANCHOR)
        transaction.set_rollback(True)
