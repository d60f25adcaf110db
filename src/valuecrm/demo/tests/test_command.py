"""`valuecrm demo`: builds once, does not duplicate, rebuilds identically on --reset."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from valuecrm.crm.models import Activity, Lead
from valuecrm.demo.models import DemoRun
from valuecrm.demo.queries import data_digest
from valuecrm.demo.tests.conftest import ANCHOR
from valuecrm.org.models import User

pytestmark = pytest.mark.django_db
ARGS = ["demo", "--no-serve", "--scale", "tiny", "--anchor", ANCHOR.isoformat()]


def run(*extra) -> str:
    out = StringIO()
    call_command(*ARGS, *extra, stdout=out)
    return out.getvalue()


def test_builds_prints_logins_and_does_not_duplicate():
    output = run("--seed", "3")
    assert "valuecrm-demo" in output
    for login in ("admin", "manager", "rep", "analyst"):
        assert f"  {login} " in output
    leads, activities = Lead.all_objects.count(), Activity.objects.count()
    assert leads == 500 and activities > 1000

    again = run("--seed", "3")
    assert "already has the demo data" in again
    assert (Lead.all_objects.count(), Activity.objects.count()) == (leads, activities)
    assert DemoRun.objects.count() == 1


def test_same_seed_same_data_other_seed_other_data():
    run("--seed", "3")
    first = data_digest()
    assert DemoRun.objects.get().digest == first

    run("--seed", "3", "--reset")
    assert data_digest() == first
    assert DemoRun.objects.count() == 1

    run("--seed", "4", "--reset")
    assert data_digest() != first


def test_refuses_a_database_with_other_data():
    User.objects.create(username="someone-real")
    with pytest.raises(CommandError, match="did not create"):
        run("--reset")
    assert not Lead.all_objects.exists()
