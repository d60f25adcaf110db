"""Shared fixtures: an org with several teams and people in every role, each rep owning a
full set of records, so every test exercises isolation between people and teams."""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from valuecrm.crm.actions import create_lead
from valuecrm.crm.models import Activity, Channel, Contact, Customer
from valuecrm.org.actions import create_api_token
from valuecrm.org.models import OrgUnit, Role, User
from valuecrm.sales.actions import LineInput, create_contract, create_opportunity
from valuecrm.sales.models import Payment, PaymentPlan, Product

# Property tests check correctness, not speed: on a loaded 2-core CI machine, generating
# inputs can be slow, which must not fail the suite.
hypothesis_settings.register_profile(
    "valuecrm", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("valuecrm")


@pytest.fixture(autouse=True)
def _reset_language():
    """A test that switches language (or a page that activates the user's) must not leave
    the next test speaking it."""
    yield
    translation.deactivate()


def pytest_collection_modifyitems(items):
    """Transactional tests must restore the database as they found it.

    A transactional test ends with a flush, which empties the tables that migrations fill
    (the default stages, content types); `serialized_rollback` puts them back. One test
    without it breaks the tests after it in ways far from the cause, so it is refused here.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get(
            "serialized_rollback"
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: use @pytest.mark.django_db(transaction=True, "
                "serialized_rollback=True)"
            )


@dataclass
class Org:
    company: OrgUnit
    east: OrgUnit
    west: OrgUnit
    team_a: OrgUnit
    team_b: OrgUnit
    team_c: OrgUnit
    rep_a: User
    rep_a2: User
    rep_b: User
    rep_c: User
    manager_a: User
    head_east: User
    analyst: User
    admin: User

    @property
    def reps(self):
        return [self.rep_a, self.rep_a2, self.rep_b, self.rep_c]


def _user(username, role, unit, **extra):
    return User.objects.create_user(
        username=username, password="pw-for-tests-9", role=role, unit=unit,
        display_name=username, **extra,
    )


@pytest.fixture
def org(db) -> Org:
    company = OrgUnit.objects.create(name="价值科技", kind=OrgUnit.Kind.COMPANY)
    east = OrgUnit.objects.create(name="华东大区", kind=OrgUnit.Kind.DEPARTMENT, parent=company)
    west = OrgUnit.objects.create(name="西南大区", kind=OrgUnit.Kind.DEPARTMENT, parent=company)
    team_a = OrgUnit.objects.create(name="上海一组", kind=OrgUnit.Kind.TEAM, parent=east)
    team_b = OrgUnit.objects.create(name="杭州组", kind=OrgUnit.Kind.TEAM, parent=east)
    team_c = OrgUnit.objects.create(name="成都组", kind=OrgUnit.Kind.TEAM, parent=west)
    return Org(
        company=company, east=east, west=west, team_a=team_a, team_b=team_b, team_c=team_c,
        rep_a=_user("rep_a", Role.REP, team_a),
        rep_a2=_user("rep_a2", Role.REP, team_a),
        rep_b=_user("rep_b", Role.REP, team_b),
        rep_c=_user("rep_c", Role.REP, team_c),
        manager_a=_user("manager_a", Role.MANAGER, team_a),
        head_east=_user("head_east", Role.DEPARTMENT_HEAD, east),
        analyst=_user("analyst", Role.ANALYST, None),
        admin=_user("admin", Role.ADMIN, None, is_staff=True, is_superuser=True),
    )


@pytest.fixture
def channel(db) -> Channel:
    return Channel.objects.create(name="官网表单", code="website", monthly_cost=Decimal("5000"))


@pytest.fixture
def product(db) -> Product:
    return Product.objects.create(
        name="CRM 专业版", sku="CRM-PRO", category="软件", list_price=Decimal("19999.90")
    )


@dataclass
class RepRecords:
    lead: object
    customer: Customer
    contact: Contact
    opportunity: object
    contract: object
    plan: PaymentPlan
    payment: Payment
    activity: Activity


def make_records(rep: User, channel: Channel, product: Product) -> RepRecords:
    """One record of every scoped kind, owned by `rep`, created through the actions."""
    tag = rep.username
    lead = create_lead(actor=rep, data={
        "name": f"线索 {tag}", "company_name": f"{tag} 线索公司", "phone": "13812345678",
        "channel_id": channel.pk,
    })
    customer = Customer(name=f"{tag} 客户有限公司", owner=rep, industry="制造业")
    customer.full_clean()
    customer.save()
    contact = Contact.objects.create(customer=customer, name=f"联系人 {tag}")
    opportunity = create_opportunity(actor=rep, data={
        "name": f"商机 {tag}", "customer_id": customer.pk, "amount": Decimal("50000.00"),
    })
    contract = create_contract(
        actor=rep,
        data={"number": f"HT-{tag}", "customer_id": customer.pk,
              "opportunity_id": opportunity.pk},
        lines=[LineInput(product_id=product.pk, quantity=Decimal("2"))],
    )
    plan = PaymentPlan.objects.create(
        contract=contract, due_date=date.today() - timedelta(days=10), amount=Decimal("10000")
    )
    payment = Payment.objects.create(
        contract=contract, plan=plan, received_date=date.today(), amount=Decimal("4000")
    )
    activity = Activity.objects.create(
        kind=Activity.Kind.CALL, customer=customer, owner=rep, started_at=timezone.now(),
        duration_seconds=180,
    )
    return RepRecords(lead, customer, contact, opportunity, contract, plan, payment, activity)


@pytest.fixture
def records(org, channel, product) -> dict[str, RepRecords]:
    return {rep.username: make_records(rep, channel, product) for rep in org.reps}


class Api:
    """A client of /api/v1 authenticated as one user with a bearer token."""

    def __init__(self, user: User | None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _record, key = create_api_token(actor=user, user=user, name="tests")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"

    def _call(self, method, path, body=None, **params):
        url = f"/api/v1/{path.lstrip('/')}"
        func = getattr(self.client, method)
        if body is None:
            return func(url, params or None, **self.headers)
        return func(url, json.dumps(body, default=str), content_type="application/json",
                    **self.headers)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, body=None):
        return self._call("post", path, body if body is not None else {})

    def patch(self, path, body):
        return self._call("patch", path, body)

    def put(self, path, body):
        return self._call("put", path, body)

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture
def api():
    """`api(user)` gives an API client acting as `user` (None: anonymous)."""
    return Api
