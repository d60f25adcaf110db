"""Helpers of the access-control matrix: who is out of whose scope, a fingerprint of the
whole database (to prove a refused write changed nothing), and data added out of scope
(to prove a read does not depend on it)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db.models import Sum

from valuecrm.approvals.actions import StepInput, create_flow
from valuecrm.approvals.models import ApprovalFlow, ApprovalRequest, Subject
from valuecrm.conftest import RepRecords, make_records
from valuecrm.delivery.actions import create_order, create_purchase_order
from valuecrm.delivery.models import Order, PurchaseOrder, Supplier
from valuecrm.org.models import Role, User
from valuecrm.sales.actions import request_refund
from valuecrm.sales.models import Refund
from valuecrm.value.actions import create_cycle, create_initiative, create_requirement
from valuecrm.value.models import Initiative, OperationsCycle, Requirement

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


@dataclass
class FullRecords(RepRecords):
    """A rep's records of every kind the API serves, beyond the sales records."""

    order: Order
    purchase_order: PurchaseOrder
    refund: Refund
    approval: ApprovalRequest
    requirement: Requirement
    initiative: Initiative
    cycle: OperationsCycle


def refund_flow(admin) -> ApprovalFlow:
    """Every refund needs an administrator's approval (no role above the requester needed,
    so reps of every team can submit)."""
    found = ApprovalFlow.objects.filter(subject=Subject.REFUND).first()
    return found or create_flow(
        actor=admin, data={"name": "退款审批", "subject": Subject.REFUND, "min_amount": 0},
        steps=[StepInput(name="财务", approver_role=Role.ADMIN)])


def make_full_records(rep: User, channel, product, admin) -> FullRecords:
    """make_records plus a sales order with a purchase order, a refund waiting for approval
    and a requirement, initiative and operations cycle, all named after `rep`."""
    base = make_records(rep, channel, product)
    tag = rep.username
    supplier = Supplier.objects.get_or_create(code="sup", defaults={"name": "供应商"})[0]
    order = create_order(actor=rep, data={
        "number": f"SO-{tag}", "contract_id": base.contract.pk, "quantity": Decimal("2")})
    purchase = create_purchase_order(actor=rep, data={
        "number": f"PO-{tag}", "supplier_id": supplier.pk, "order_id": order.pk,
        "item": f"零件 {tag}", "quantity": Decimal("2"),
        "ordered_date": date.today() - timedelta(days=3), "promised_date": date.today()})
    refund_flow(admin)
    refund = request_refund(actor=rep, payment_id=base.payment.pk, amount=Decimal("100"),
                            reason=f"退款 {tag}")
    requirement = create_requirement(actor=rep, title=f"需求 {tag}", kind="essential",
                                     metric_key="contract_amount")
    initiative = create_initiative(
        actor=rep, name=f"举措 {tag}", launch_date=date.today() - timedelta(days=30),
        metrics={"contract_amount": "0.1"}, requirement_ids=[requirement.pk])
    cycle = create_cycle(actor=rep, name=f"周期 {tag}", start=date.today() - timedelta(days=60),
                         end=date.today() + timedelta(days=30),
                         targets={"contract_amount": "1000"}, initiative_ids=[initiative.pk])
    return FullRecords(**vars(base), order=order, purchase_order=purchase, refund=refund,
                       approval=refund.approval_requests.get(),
                       requirement=requirement, initiative=initiative, cycle=cycle)


def _add_usage(user) -> None:
    """The user used the system today and last year (written directly: the caller's own
    tracking is switched off where this is compared)."""
    from django.utils import timezone

    from valuecrm.usage.models import UsageDay, UsageEvent

    for moment in (timezone.now(), timezone.now() - timedelta(days=365)):
        UsageEvent.objects.create(user=user, unit=user.unit, feature="leads", action="view",
                                  occurred_at=moment, duration_ms=5, session="s")
        UsageDay.objects.get_or_create(user=user, unit=user.unit,
                                       day=timezone.localdate(moment))


def add_out_of_scope_data(org, channel, product, *, full: bool = False) -> User:
    """A new rep in the western team with a full set of records: nothing any eastern user
    reads may change because of them."""
    rep = User.objects.create_user(
        username="rep_west_new", password="pw-for-tests-9", role=Role.REP, unit=org.team_c,
        display_name="rep_west_new",
    )
    if full:
        make_full_records(rep, channel, product, org.admin)
        _add_usage(rep)
    else:
        make_records(rep, channel, product)
    return rep


@pytest.fixture
def user_of(org):
    return lambda name: getattr(org, name)


def customers_csv(rows: int) -> bytes:
    """An import file of `rows` customers named 断线客户N, owned by rep_a."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["客户名称", "负责人"])
    writer.writerows([[f"断线客户{i}", "rep_a"] for i in range(rows)])
    return buffer.getvalue().encode()


def cold_customers(org, count: int = 3) -> None:
    """A pool recycling customers after 30 days without activity, and `count` of rep_a's
    customers (冷客户N) idle for 90: the next sweep recycles them."""
    from django.utils import timezone

    from valuecrm.crm.models import Customer
    from valuecrm.pool.models import Pool, RecycleRule

    pool = Pool.objects.create(name="华东公海", unit=org.east)
    RecycleRule.objects.create(pool=pool, kind=RecycleRule.Kind.NO_ACTIVITY, days=30)
    long_ago = timezone.now() - timedelta(days=90)
    for i in range(count):
        Customer.objects.create(name=f"冷客户{i}", owner=org.rep_a, owned_since=long_ago,
                                last_activity_at=long_ago)
