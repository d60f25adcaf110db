"""The demo's people and records are what the rest of the system expects."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from valuecrm.crm.models import Activity, Contact, Customer, Lead
from valuecrm.demo.params import DEMO_PASSWORD
from valuecrm.org.models import OrgUnit, Role, User
from valuecrm.sales.models import Contract, Opportunity, Payment, PaymentPlan

pytestmark = pytest.mark.django_db


def test_demo_logins_have_their_roles(demo):
    users = {u.username: u for u in User.objects.select_related("unit")}
    assert users["admin"].role == Role.ADMIN and users["admin"].is_superuser
    assert users["analyst"].role == Role.ANALYST and users["analyst"].is_read_only
    assert users["manager"].role == Role.MANAGER
    assert users["rep"].role == Role.REP
    assert users["rep"].unit == users["manager"].unit
    assert users["manager"].unit.kind == OrgUnit.Kind.TEAM
    for username in ("admin", "manager", "rep", "analyst"):
        # The sign-in throttle (django-axes) needs the request it would lock out.
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password=DEMO_PASSWORD) == users[username]


def test_org_has_departments_teams_and_heads(demo):
    assert OrgUnit.objects.filter(kind="company").count() == 1
    departments = OrgUnit.objects.filter(kind="department")
    assert departments.count() == 3
    assert OrgUnit.objects.filter(kind="team").count() == 8
    for department in departments:
        assert department.members.filter(role=Role.DEPARTMENT_HEAD).count() == 1
    assert 55 <= User.objects.count() <= 65


def test_manager_sees_the_reps_records_and_the_rep_only_their_own(demo):
    rep, manager = User.objects.get(username="rep"), User.objects.get(username="manager")
    own = Lead.objects.filter(owner=rep)
    assert own.exists()
    assert set(Lead.objects.visible_to(rep)) == set(own)
    assert set(own) < set(Lead.objects.visible_to(manager))
    assert Opportunity.objects.visible_to(rep).exists()


def test_generated_records_pass_model_validation(demo):
    """Bulk-written rows skip full_clean(); they must still be what it would accept
    (normalised phones and emails, company name keys, reasons where required)."""
    for model in (Lead, Customer, Contact, Opportunity, Contract, PaymentPlan, Payment):
        for obj in model._base_manager.all():
            before = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            obj.full_clean(validate_unique=False)
            after = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            assert before == after, model
    for activity in Activity.objects.all()[:300]:
        activity.full_clean()
