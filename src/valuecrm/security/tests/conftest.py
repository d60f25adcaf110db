"""Helpers of the access-control matrix: who is out of whose scope, a fingerprint of the
whole database (to prove a refused write changed nothing), and data added out of scope
(to prove a read does not depend on it)."""

import pytest
from django.apps import apps
from django.db.models import Sum

from valuecrm.conftest import make_records
from valuecrm.org.models import Role, User

# Roles limited to a part of the org -> the rep whose records they must not see, and a rep
# whose records they do see.
SCOPED_ROLES = {
    "rep_a": {"outside": "rep_b", "inside": "rep_a"},
    "manager_a": {"outside": "rep_b", "inside": "rep_a2"},
    "head_east": {"outside": "rep_c", "inside": "rep_b"},
}
# Roles that see everything, with the rep whose records they open.
WIDE_ROLES = {"analyst": "rep_c", "admin": "rep_c"}
SIGNED_IN = [*SCOPED_ROLES, *WIDE_ROLES]
NOT_ADMIN = [*SCOPED_ROLES, "analyst"]

# Tables that change on reads or sign-ins, not on business writes (usage tracking records
# every page view and API call by design).
_VOLATILE = {"sessions.session", "axes.accesslog", "axes.accessattempt", "axes.accessfailurelog",
             "usage.usageevent", "usage.usageday"}


def fingerprint() -> dict[str, tuple]:
    """Row count (and version sum) of every table: any write shows up here."""
    found = {}
    for model in apps.get_models():
        if model._meta.label_lower in _VOLATILE:
            continue
        manager = getattr(model, "all_objects", model._base_manager)
        qs = manager.all()
        names = {f.name for f in model._meta.concrete_fields}
        version = qs.aggregate(v=Sum("version"))["v"] if "version" in names else None
        found[model._meta.label_lower] = (qs.count(), version)
    return found


def add_out_of_scope_data(org, channel, product) -> User:
    """A new rep in the western team with a full set of records: nothing any eastern user
    reads may change because of them."""
    rep = User.objects.create_user(
        username="rep_west_new", password="pw-for-tests-9", role=Role.REP, unit=org.team_c,
        display_name="rep_west_new",
    )
    make_records(rep, channel, product)
    return rep


@pytest.fixture
def user_of(org):
    return lambda name: getattr(org, name)
