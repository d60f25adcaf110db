from datetime import date, timedelta

import pytest
from django.db import transaction

from valuecrm.demo.build import build_demo
from valuecrm.value.measure import Period

ANCHOR = date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One tiny demo build shared by a module's read-only tests, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(seed=5, scale="tiny", anchor=ANCHOR)
        transaction.set_rollback(True)


def around(go_live) -> tuple[Period, Period]:
    """Ten months before go-live and ten months after its first month."""
    return (Period(go_live - timedelta(days=300), go_live - timedelta(days=1)),
            Period(go_live + timedelta(days=30), go_live + timedelta(days=329)))


@pytest.fixture
def this_year():
    today = date.today()
    return Period(today - timedelta(days=400), today - timedelta(days=200)), Period(
        today - timedelta(days=199), today)
