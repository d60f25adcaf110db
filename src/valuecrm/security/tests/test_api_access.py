"""Access control of every API route, for every role.

The routes are DISCOVERED from the ninja API; each must be classified in ROUTES, so a route
added by anyone fails `test_every_api_route_is_classified` until someone decides who may use
it. The class then decides what is checked:

- PUBLIC: anyone, signed in or not (web-to-lead capture);
- RECORD: one business record by id: out of scope answers 404 and changes nothing; in scope
  opens (reads) or is refused to analysts (writes);
- CREATE: a new record; pointing it at an out-of-scope record is refused and writes nothing;
- COLLECTION: lists, counts, search, exports, metrics, reports: what a rep, manager or
  department head sees does not change when records appear outside their scope, and no name
  from outside their scope shows up;
- SELF / SELF_ITEM: the caller's own account things; someone else's answers 404;
- REFERENCE / REFERENCE_WRITE: everyone signed in reads; only administrators write;
- ADMIN_DATA: analysts read, administrators write, nobody else sees any of it.
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from valuecrm.api.main import api as ninja_api
from valuecrm.focus.models import SavedView
from valuecrm.notifications.models import Notification
from valuecrm.org.actions import create_api_token
from valuecrm.security.tests.conftest import (
    NOT_ADMIN,
    SCOPED_ROLES,
    WIDE_ROLES,
    add_out_of_scope_data,
    fingerprint,
    make_full_records,
)
from valuecrm.webhooks.models import Subscription

PUBLIC, RECORD, CREATE, COLLECTION = "public", "record", "create", "collection"
SELF, SELF_ITEM, REFERENCE, REFERENCE_WRITE, ADMIN_DATA = (
    "self", "self_item", "reference", "reference_write", "admin_data")

TODAY = date.today()
PERIOD = {"from": f"{TODAY.year - 1}-01-01", "to": TODAY.isoformat()}


@dataclass(frozen=True)
class Rule:
    access: str
    # RECORD: attribute of the owner's RepRecords; SELF_ITEM / REFERENCE_WRITE / ADMIN_DATA:
    # a function (org, records, owner) -> pk of an item.
    target: Any = None
    params: dict = field(default_factory=dict)
    path: dict = field(default_factory=dict)
    # A function (org, records, owner_name) -> request body, for writes that need one.
    body: Any = None


def _rec(attr):
    return Rule(RECORD, attr)


def _bin(attr):
    """Restore: the owner's record, deleted first (so 'not found' is about scope)."""
    return Rule(RECORD, attr, body="deleted")


def _ref(pick):
    return Rule(REFERENCE_WRITE, pick)


def CHANNEL(org, recs, owner):  # noqa: N802 - read as a constant in the table
    return recs["rep_a"].lead.channel_id


def PRODUCT(org, recs, owner):  # noqa: N802
    return recs["rep_a"].contract.lines.first().product_id


def SUPPLIER(org, recs, owner):  # noqa: N802
    return recs["rep_a"].purchase_order.supplier_id


def _second_stage():
    from valuecrm.delivery.models import OrderStage

    return OrderStage.objects.filter(is_active=True).order_by("position")[1].pk


def _tag(org, recs, owner):
    from valuecrm.crm.models import Tag, TagGroup

    group = TagGroup.objects.get_or_create(name="级别")[0]
    return Tag.objects.get_or_create(group=group, name="A 类")[0].pk


def _rule_pk(org, recs, owner):
    from valuecrm.assignment.models import AssignmentRule

    rule = AssignmentRule.objects.first() or AssignmentRule.objects.create(
        name="华东轮询", unit=org.east)
    return rule.pk


def _webhook(org, recs, owner):
    subscription = Subscription.objects.first() or Subscription.objects.create(
        name="hook", url="https://example.com/hook", events=["lead.created"])
    return subscription.pk


def _other_token(org, recs, owner):
    return create_api_token(actor=org.rep_b, user=org.rep_b, name="rep_b's")[0].pk


def _other_view(org, recs, owner):
    return SavedView.objects.create(owner=org.rep_b, name="rep_b's view", kind="leads").pk


def _other_notification(org, recs, owner):
    return Notification.objects.create(user=org.rep_b, kind="lead_assigned",
                                       title="for rep_b").pk


def _segment(org, recs, owner):
    from valuecrm.segments.models import Segment

    return (Segment.objects.first() or Segment.objects.create(
        name="母婴", owner=org.admin, definition={"field": "industry", "value": "母婴"})).pk


def _campaign_of(rep):
    from valuecrm.campaigns.models import Campaign, Variant
    from valuecrm.segments.models import Segment

    segment = Segment.objects.get(pk=_segment(None, None, None)) if Segment.objects.exists() \
        else Segment.objects.create(name="全部", owner=rep, definition={"inactive_days": 0})
    campaign = Campaign.objects.create(name=f"{rep.username}'s", segment=segment, owner=rep)
    Variant.objects.create(campaign=campaign, name="A", message="hi")
    return campaign


def _other_campaign(org, recs, owner):
    return _campaign_of(org.rep_b).pk


def _other_send(org, recs, owner):
    from valuecrm.campaigns.models import Send

    contact = recs["rep_b"].contact
    return Send.objects.create(campaign=_campaign_of(org.rep_b), contact=contact,
                               customer=contact.customer, status="sent").pk


def _other_submission(org, recs, owner):
    from valuecrm.campaigns.models import Participant, Submission

    participant = Participant.objects.create(campaign=_campaign_of(org.rep_b),
                                             contact=recs["rep_b"].contact)
    return Submission.objects.create(participant=participant, image="x.jpg",
                                     status="manual", reason="no_code").pk


def _customer_body(org, recs, owner):
    return {"customer": recs[owner].customer.pk, "name": "越权联系人"}


def _merge(kind):
    def body(org, recs, owner):
        return {"survivor": getattr(recs[owner], kind).pk,
                "merged": [getattr(recs[owner], kind).pk]}
    return body


@pytest.fixture
def records(org, channel, product):
    """Every rep's records of every kind the API serves."""
    return {rep.username: make_full_records(rep, channel, product, org.admin)
            for rep in org.reps}


ROUTES: dict[str, Rule] = {
    # org
    "GET /me": Rule(SELF),
    "GET /users": Rule(COLLECTION),
    "GET /tokens": Rule(SELF),
    "POST /tokens": Rule(SELF),
    "DELETE /tokens/{pk}": Rule(SELF_ITEM, _other_token),
    "GET /recycle-bin": Rule(COLLECTION),
    # crm records
    "GET /leads": Rule(COLLECTION),
    "POST /leads": Rule(CREATE, body=lambda o, r, owner: {
        "name": "越权", "company_name": "x", "owner": getattr(o, owner).pk}),
    "GET /leads/{pk}": _rec("lead"),
    "PATCH /leads/{pk}": _rec("lead"),
    "DELETE /leads/{pk}": _rec("lead"),
    "GET /leads/{pk}/history": _rec("lead"),
    "POST /leads/{pk}/restore": _bin("lead"),
    "POST /leads/{pk}/convert": _rec("lead"),
    "GET /customers": Rule(COLLECTION),
    "POST /customers": Rule(CREATE, body=lambda o, r, owner: {
        "name": "越权客户", "owner": getattr(o, owner).pk}),
    "GET /customers/{pk}": _rec("customer"),
    "PATCH /customers/{pk}": _rec("customer"),
    "DELETE /customers/{pk}": _rec("customer"),
    "GET /customers/{pk}/history": _rec("customer"),
    "POST /customers/{pk}/restore": _bin("customer"),
    "GET /contacts": Rule(COLLECTION),
    "POST /contacts": Rule(CREATE, body=_customer_body),
    "GET /contacts/{pk}": _rec("contact"),
    "PATCH /contacts/{pk}": _rec("contact"),
    "DELETE /contacts/{pk}": _rec("contact"),
    "GET /contacts/{pk}/history": _rec("contact"),
    "POST /contacts/{pk}/restore": _bin("contact"),
    "GET /activities": Rule(COLLECTION),
    "POST /activities": Rule(CREATE, body=lambda o, r, owner: {
        "kind": "call", "customer": r[owner].customer.pk, "started_at": "2025-01-02T10:00:00Z"}),
    "GET /activities/{pk}": _rec("activity"),
    "PATCH /activities/{pk}": _rec("activity"),
    "GET /activities/{pk}/history": _rec("activity"),
    # reference data
    "GET /channels": Rule(REFERENCE),
    "POST /channels": Rule(REFERENCE_WRITE, body=lambda o, r, owner: {
        "name": "越权渠道", "code": "sneaky"}),
    "GET /channels/{pk}": Rule(REFERENCE, CHANNEL),
    "PATCH /channels/{pk}": _ref(CHANNEL),
    "GET /channels/{pk}/history": Rule(REFERENCE, CHANNEL),
    "GET /tags": Rule(REFERENCE),
    "POST /tags": _ref(None),
    "GET /tags/{pk}": Rule(REFERENCE, _tag),
    "PATCH /tags/{pk}": _ref(_tag),
    "GET /tags/{pk}/history": Rule(REFERENCE, _tag),
    "GET /stages": Rule(REFERENCE),
    "GET /products": Rule(REFERENCE),
    "POST /products": Rule(REFERENCE_WRITE, body=lambda o, r, owner: {
        "name": "越权产品", "sku": "SNEAKY", "list_price": "1"}),
    "GET /products/{pk}": Rule(REFERENCE, PRODUCT),
    "PATCH /products/{pk}": _ref(PRODUCT),
    "GET /products/{pk}/history": Rule(REFERENCE, PRODUCT),
    # sales records
    "GET /opportunities": Rule(COLLECTION),
    "POST /opportunities": Rule(CREATE, body=lambda o, r, owner: {
        "name": "越权商机", "customer": r[owner].customer.pk, "amount": "1"}),
    "GET /opportunities/{pk}": _rec("opportunity"),
    "PATCH /opportunities/{pk}": _rec("opportunity"),
    "DELETE /opportunities/{pk}": _rec("opportunity"),
    "GET /opportunities/{pk}/history": _rec("opportunity"),
    "POST /opportunities/{pk}/restore": _bin("opportunity"),
    "GET /opportunities/{pk}/stage-changes": _rec("opportunity"),
    "GET /contracts": Rule(COLLECTION),
    "POST /contracts": Rule(CREATE, body=lambda o, r, owner: {
        "number": "HT-越权", "customer": r[owner].customer.pk}),
    "GET /contracts/{pk}": _rec("contract"),
    "PATCH /contracts/{pk}": _rec("contract"),
    "DELETE /contracts/{pk}": _rec("contract"),
    "GET /contracts/{pk}/history": _rec("contract"),
    "POST /contracts/{pk}/restore": _bin("contract"),
    "GET /payment-plans": Rule(COLLECTION),
    "POST /payment-plans": Rule(CREATE, body=lambda o, r, owner: {
        "contract": r[owner].contract.pk, "due_date": "2030-01-01", "amount": "1"}),
    "GET /payment-plans/{pk}": _rec("plan"),
    "PATCH /payment-plans/{pk}": _rec("plan"),
    "GET /payment-plans/{pk}/history": _rec("plan"),
    "GET /payments": Rule(COLLECTION),
    "POST /payments": Rule(CREATE, body=lambda o, r, owner: {
        "contract": r[owner].contract.pk, "received_date": "2025-01-01", "amount": "1"}),
    "GET /payments/{pk}": _rec("payment"),
    "PATCH /payments/{pk}": _rec("payment"),
    "GET /payments/{pk}/history": _rec("payment"),
    "GET /refunds": Rule(COLLECTION),
    "POST /refunds": Rule(CREATE, body=lambda o, r, owner: {
        "payment": r[owner].payment.pk, "amount": "1", "reason": "越权"}),
    "GET /refunds/{pk}": _rec("refund"),
    # pool and assignment
    "GET /pools": Rule(COLLECTION),
    "GET /pool/customers": Rule(COLLECTION),
    # Only customers in the caller's pools can be claimed; an owned one is not in any pool.
    "POST /pool/customers/{pk}/claim": _rec("customer"),
    "POST /customers/{pk}/release": Rule(RECORD, "customer",
                                         body=lambda o, r, owner: {"reason": "测试"}),
    "GET /pool/upcoming-recycles": Rule(COLLECTION),
    "GET /assignment-rules": Rule(REFERENCE),
    "POST /assignment-rules": Rule(REFERENCE_WRITE, body=lambda o, r, owner: {
        "name": "越权规则", "unit": o.company.pk}),
    "GET /assignment-rules/{pk}": Rule(REFERENCE, _rule_pk),
    "PATCH /assignment-rules/{pk}": _ref(_rule_pk),
    "GET /assignment-rules/{pk}/history": Rule(REFERENCE, _rule_pk),
    "PUT /assignment-rules/{pk}/members": Rule(
        REFERENCE_WRITE, _rule_pk, body=lambda o, r, owner: [{"user": o.rep_a.pk}]),
    "POST /leads/{pk}/assign": _rec("lead"),
    "POST /leads/{pk}/reassign": Rule(RECORD, "lead", body=lambda o, r, owner: {
        "owner": getattr(o, owner).pk, "reason": "测试"}),
    "GET /leads/{pk}/assignments": _rec("lead"),
    # web-to-lead capture
    "POST /public/leads/{key}": Rule(PUBLIC, path={"key": "no-such-key"}),
    "GET /public/leads/{key}/form.html": Rule(PUBLIC, path={"key": "no-such-key"}),
    # duplicates and search
    # Deliberately shows that a duplicate exists outside the caller's scope (with its team
    # only): dedup/tests cover what it reveals. Here: signed-in only, and it writes nothing.
    "POST /duplicates/check": Rule(SELF, body=lambda o, r, owner: {
        "kind": "customer", "company": "rep_b 客户有限公司"}),
    "GET /duplicates/groups": Rule(COLLECTION, params={"kind": "customer", "by": "company"}),
    "POST /customers/merge": Rule(CREATE, body=_merge("customer")),
    "POST /leads/merge": Rule(CREATE, body=_merge("lead")),
    "GET /search": Rule(COLLECTION, params={"q": "rep"}),
    # scoring and focus
    "GET /leads/{pk}/score": _rec("lead"),
    "GET /opportunities/{pk}/score": _rec("opportunity"),
    "GET /channels/scorecard": Rule(COLLECTION, params=PERIOD),
    "GET /focus": Rule(COLLECTION),
    "GET /saved-views": Rule(SELF),
    "POST /saved-views": Rule(SELF),
    "GET /saved-views/{pk}": Rule(SELF_ITEM, _other_view),
    "PATCH /saved-views/{pk}": Rule(SELF_ITEM, _other_view),
    "DELETE /saved-views/{pk}": Rule(SELF_ITEM, _other_view),
    # notifications
    "GET /notifications": Rule(SELF),
    "GET /notifications/unread-count": Rule(SELF),
    "POST /notifications/{pk}/read": Rule(SELF_ITEM, _other_notification),
    "POST /notifications/read-all": Rule(SELF),
    # import and export
    "GET /imports/{pk}": Rule(SELF_ITEM, lambda o, r, owner: _import_of(o.rep_b)),
    "GET /imports/{pk}/errors.csv": Rule(SELF_ITEM, lambda o, r, owner: _import_of(o.rep_b)),
    "POST /imports/{kind}": Rule(SELF, path={"kind": "customer"}),
    "GET /export/{kind}": Rule(COLLECTION, path={"kind": "customers"}),
    # metrics
    "GET /metrics": Rule(REFERENCE),
    "GET /metrics/{key}/values": Rule(COLLECTION, path={"key": "contract_amount"},
                                      params={**PERIOD, "by": "owner"}),
    "GET /metrics/{key}/records": Rule(COLLECTION, path={"key": "contracts_signed"},
                                       params=PERIOD),
    "GET /metric-trees/{key}": Rule(COLLECTION, path={"key": "contract_amount_drivers"}, params={
        "period": str(TODAY.year), "compare": str(TODAY.year - 1)}),
    "GET /funnels/crm": Rule(COLLECTION, params=PERIOD),
    "POST /metric-targets": Rule(CREATE, body=lambda o, r, owner: {
        "metric": "contract_amount", "period": str(TODAY.year), "value": "1",
        "user": getattr(o, owner).pk}),
    "GET /metric-targets/{key}/report": Rule(COLLECTION, path={"key": "contract_amount"},
                                             params={"period": str(TODAY.year)}),
    # segments and tag rules: shared definitions everyone reads, counted within the
    # reader's scope; managers, department heads and administrators write them.
    "GET /segments": Rule(COLLECTION),
    "POST /segments": Rule(SELF),
    "POST /segments/preview": Rule(SELF),
    "GET /segments/{pk}": Rule(REFERENCE, _segment),
    "PATCH /segments/{pk}": Rule(SELF_ITEM, _segment),
    "GET /tag-rules": Rule(REFERENCE),
    "POST /tag-rules": Rule(SELF),
    "GET /tag-changes": Rule(COLLECTION),
    # The customer is looked up before the tag: out of scope answers 404 whatever the tag.
    "POST /customers/{pk}/tags": Rule(RECORD, "customer", body=lambda o, r, owner: {
        "tag": 999999}),
    # campaigns: scoped by their owner (a manager's campaign reaches their subtree only)
    "GET /campaigns": Rule(COLLECTION),
    "POST /campaigns": Rule(SELF),
    "GET /campaigns/{pk}": Rule(SELF_ITEM, _other_campaign),
    "POST /campaigns/{pk}/schedule": Rule(SELF_ITEM, _other_campaign),
    "POST /campaigns/{pk}/cancel": Rule(SELF_ITEM, _other_campaign),
    "GET /campaigns/{pk}/results": Rule(SELF_ITEM, _other_campaign),
    "POST /contacts/{pk}/opt-out": _rec("contact"),
    "POST /campaign-messages/{pk}/response": Rule(SELF_ITEM, _other_send),
    "GET /referral-submissions": Rule(COLLECTION),
    "POST /referral-submissions/{pk}/accept": Rule(SELF_ITEM, _other_submission),
    "POST /referral-submissions/{pk}/reject": Rule(SELF_ITEM, _other_submission),
    # referral participants: their private upload address; anyone: a participant's link
    "GET /public/referrals/uploads/{key}/poster.png": Rule(PUBLIC, path={"key": "no-such"}),
    "POST /public/referrals/uploads/{key}/screenshots": Rule(PUBLIC, path={"key": "no-such"}),
    "GET /public/referrals/{token}": Rule(PUBLIC, path={"token": "1.2:forged"}),
    "POST /public/referrals/{token}": Rule(PUBLIC, path={"token": "1.2:forged"}),
    # webhooks
    "GET /webhooks": Rule(ADMIN_DATA),
    "POST /webhooks": Rule(ADMIN_DATA, body=lambda o, r, owner: {
        "name": "越权", "url": "https://example.com/x", "secret": "s" * 32,
        "events": ["lead.created"]}),
    "GET /webhooks/{pk}": Rule(ADMIN_DATA, _webhook),
    "PATCH /webhooks/{pk}": Rule(ADMIN_DATA, _webhook),
    "GET /webhooks/{pk}/history": Rule(ADMIN_DATA, _webhook),
    "GET /webhooks/{pk}/deliveries": Rule(ADMIN_DATA, _webhook),
    # approvals: flows are company configuration everyone reads; a request is seen like its
    # contract, or by whoever decides one of its steps (here: an administrator)
    "GET /approval-flows": Rule(REFERENCE),
    "POST /approval-flows": Rule(REFERENCE_WRITE, body=lambda o, r, owner: {
        "name": "越权流程", "subject": "refund", "min_amount": "0",
        "steps": [{"name": "x", "approver_id": getattr(o, owner).pk}]}),
    "GET /approvals": Rule(COLLECTION),
    "GET /approvals/inbox": Rule(COLLECTION),
    "POST /approvals": Rule(CREATE, body=lambda o, r, owner: {
        "contract_id": r[owner].contract.pk, "subject": "contract"}),
    "GET /approvals/{pk}": _rec("approval"),
    "POST /approvals/{pk}/approve": Rule(RECORD, "approval",
                                         body=lambda o, r, owner: {"comment": "越权"}),
    "POST /approvals/{pk}/reject": Rule(RECORD, "approval",
                                        body=lambda o, r, owner: {"comment": "越权"}),
    # delivery: orders and purchase orders are seen like their contract
    "GET /order-stages": Rule(REFERENCE),
    "GET /orders": Rule(COLLECTION),
    "POST /orders": Rule(CREATE, body=lambda o, r, owner: {
        "number": "SO-越权", "contract": r[owner].contract.pk, "quantity": "1"}),
    "GET /orders/{pk}": _rec("order"),
    "PATCH /orders/{pk}": Rule(RECORD, "order", body=lambda o, r, owner: {"quantity": "9"}),
    "GET /orders/{pk}/history": _rec("order"),
    "GET /orders/{pk}/changes": _rec("order"),
    "GET /orders/{pk}/stage-events": _rec("order"),
    "POST /orders/{pk}/move": Rule(RECORD, "order", body=lambda o, r, owner: {
        "stage": _second_stage()}),
    "GET /orders/{pk}/inspections": _rec("order"),
    "POST /orders/{pk}/inspections": Rule(RECORD, "order", body=lambda o, r, owner: {
        "passed_quantity": "1"}),
    "GET /orders/{pk}/returns": _rec("order"),
    "POST /orders/{pk}/returns": Rule(RECORD, "order", body=lambda o, r, owner: {
        "quantity": "1", "reason": "越权"}),
    "GET /suppliers": Rule(REFERENCE),
    "POST /suppliers": Rule(REFERENCE_WRITE, body=lambda o, r, owner: {
        "name": "越权供应商", "code": "sneaky"}),
    "GET /suppliers/{pk}": Rule(REFERENCE, SUPPLIER),
    "PATCH /suppliers/{pk}": _ref(SUPPLIER),
    "GET /suppliers/{pk}/history": Rule(REFERENCE, SUPPLIER),
    "GET /purchase-orders": Rule(COLLECTION),
    "POST /purchase-orders": Rule(CREATE, body=lambda o, r, owner: {
        "number": "PO-越权", "supplier": r[owner].purchase_order.supplier_id,
        "order": r[owner].order.pk, "item": "x", "quantity": "1",
        "promised_date": TODAY.isoformat()}),
    "GET /purchase-orders/{pk}": _rec("purchase_order"),
    "PATCH /purchase-orders/{pk}": Rule(RECORD, "purchase_order",
                                        body=lambda o, r, owner: {"item": "越权"}),
    "GET /purchase-orders/{pk}/history": _rec("purchase_order"),
    "POST /purchase-orders/{pk}/receive": Rule(RECORD, "purchase_order", body=lambda o, r, owner: {
        "delivered_date": TODAY.isoformat(), "tracking_number": "SF123"}),
    "GET /delivery/stages": Rule(COLLECTION, params=PERIOD),
    "GET /delivery/suppliers": Rule(COLLECTION, params=PERIOD),
    "GET /delivery/quality": Rule(COLLECTION),
    "GET /delivery/lateness": Rule(COLLECTION),
    # data-quality monitors (purchase orders without a tracking number fail this one)
    "GET /quality/monitors": Rule(COLLECTION, params=PERIOD),
    "GET /quality/monitors/{key}": Rule(COLLECTION, path={"key": "tracking_number_filled"},
                                        params={**PERIOD, "by": "owner"}),
    "GET /quality/monitors/{key}/offenders": Rule(
        COLLECTION, path={"key": "tracking_number_filled"}, params=PERIOD),
    # process analysis: an uploaded file is the caller's own; a system log is scoped
    "POST /process/analyze": Rule(SELF),
    "GET /process/sources": Rule(REFERENCE),
    "GET /process/sources/{name}/analysis": Rule(COLLECTION, path={"name": "orders"}),
    # usage analytics
    "GET /usage/report": Rule(COLLECTION, params=PERIOD),
    "GET /usage/features": Rule(REFERENCE),
    "PUT /usage/features/{key}/release": Rule(
        REFERENCE_WRITE, path={"key": "leads"},
        body=lambda o, r, owner: {"released_on": "2020-01-01"}),
    # value: requirements, initiatives and cycles are seen like records of their owner
    "GET /value/requirements": Rule(COLLECTION),
    # The new requirement is the caller's own (its owner is the caller).
    "POST /value/requirements": Rule(SELF),
    "GET /value/initiatives": Rule(COLLECTION),
    "POST /value/initiatives": Rule(CREATE, body=lambda o, r, owner: {
        "name": "越权举措", "launch_date": TODAY.isoformat(),
        "metrics": {"contract_amount": "0.1"}, "requirement_ids": [r[owner].requirement.pk]}),
    "GET /value/cycles": Rule(COLLECTION),
    "POST /value/cycles": Rule(CREATE, body=lambda o, r, owner: {
        "name": "越权周期", "start": TODAY.isoformat(), "end": TODAY.isoformat(),
        "targets": {"contract_amount": "1"}, "initiative_ids": [r[owner].initiative.pk]}),
    "GET /value/report": Rule(COLLECTION, params={
        "baseline": f"{TODAY.year - 1}-01-01..{TODAY.year - 1}-12-31",
        "current": f"{TODAY.year}-01-01..{TODAY.isoformat()}"}),
}


def _import_of(user) -> int:
    from valuecrm.dataio.models import ImportJob

    return ImportJob.objects.create(actor=user, kind="customer", file_name="x.csv").pk


def discovered_routes() -> dict[str, str]:
    """'METHOD /path' -> the path with ninja's converters, for every API operation."""
    found = {}
    for prefix, router in ninja_api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    full = prefix + path
                    found[f"{method} {full.replace('{int:pk}', '{pk}')}"] = full
    return found


ROUTE_PATHS = discovered_routes()


def test_every_api_route_is_classified():
    missing = sorted(set(ROUTE_PATHS) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(ROUTE_PATHS))
    assert not missing, f"classify these routes in ROUTES (who may use them?): {missing}"
    assert not stale, f"these routes no longer exist: {stale}"


def _routes(*accesses):
    return sorted(key for key, rule in ROUTES.items() if rule.access in accesses)


def _url(key, rule, pk=None):
    path = ROUTE_PATHS[key].replace("{int:pk}", str(pk))
    for name, value in rule.path.items():
        path = path.replace(f"{{{name}}}", value)
    return path


def _call(client, key, rule, *, pk=None, body=None):
    method = key.split()[0].lower()
    url = _url(key, rule, pk)
    if method == "get":
        return client.get(url, **rule.params)
    if method == "delete":
        return client.delete(url)
    return getattr(client, method)(url, body if body is not None else {})


def _body(rule, org, records, owner):
    if callable(rule.body):
        return rule.body(org, records, owner)
    return None


def _prepare(key, rule, records, owner, user):
    """The record's pk, after putting it in the state the route needs."""
    from valuecrm.core import records as writes

    target = getattr(records[owner], rule.target)
    if rule.body == "deleted":
        writes.delete_record(actor=user, model=type(target), pk=target.pk)
    return target.pk


class Findings:
    """Every route is tried in its own savepoint (rolled back), and every broken promise is
    collected, so one run names all of them instead of the first."""

    def __init__(self):
        self.problems: list[str] = []

    @contextmanager
    def route(self, *label):
        try:
            with transaction.atomic():
                yield
                transaction.set_rollback(True)
        except AssertionError as error:
            self.problems.append(f"{' / '.join(label)}: {error}")

    def check(self):
        assert not self.problems, "\n".join(self.problems)


def _unchanged(before):
    assert fingerprint() == before, "a refused request changed data"


def _refused(response, *allowed):
    assert response.status_code in allowed, (response.status_code, response.content[:300])


def test_anonymous_callers_are_refused(records, api):
    found, client = Findings(), api(None)
    for key in sorted(set(ROUTES) - set(_routes(PUBLIC))):
        with found.route(key):
            before = fingerprint()
            _refused(_call(client, key, ROUTES[key], pk=records["rep_a"].lead.pk), 401)
            _unchanged(before)
    found.check()


def test_public_routes_answer_anonymous_callers_without_error(db, api):
    for key in _routes(PUBLIC):
        response = _call(api(None), key, ROUTES[key])
        assert response.status_code < 500 and response.status_code != 401, key


def test_out_of_scope_records_answer_404_and_stay_unchanged(records, org, api):
    found = Findings()
    for role, scope in SCOPED_ROLES.items():
        client, outside = api(getattr(org, role)), scope["outside"]
        for key in _routes(RECORD):
            rule = ROUTES[key]
            with found.route(key, role):
                pk = _prepare(key, rule, records, outside, getattr(org, outside))
                before = fingerprint()
                _refused(_call(client, key, rule, pk=pk,
                               body=_body(rule, org, records, outside)), 404)
                _unchanged(before)
    found.check()


def test_in_scope_records_open(records, org, api):
    found = Findings()
    for role in [*SCOPED_ROLES, *WIDE_ROLES]:
        client = api(getattr(org, role))
        inside = SCOPED_ROLES[role]["inside"] if role in SCOPED_ROLES else WIDE_ROLES[role]
        for key in [k for k in _routes(RECORD) if k.startswith("GET")]:
            rule = ROUTES[key]
            with found.route(key, role):
                pk = getattr(records[inside], rule.target).pk
                _refused(_call(client, key, rule, pk=pk), 200)
    found.check()


def test_analysts_read_but_cannot_write(records, org, api):
    found, client = Findings(), api(org.analyst)
    for key in [k for k in _routes(RECORD, CREATE) if not k.startswith("GET")]:
        rule = ROUTES[key]
        with found.route(key):
            pk = _prepare(key, rule, records, "rep_c", org.rep_c) if rule.access == RECORD \
                else None
            before = fingerprint()
            response = _call(client, key, rule, pk=pk,
                             body=_body(rule, org, records, "rep_c") or {})
            _refused(response, 403, 404, 409, 422)
            _unchanged(before)
    found.check()


def test_new_records_cannot_point_out_of_scope(records, org, api):
    found = Findings()
    for role, scope in SCOPED_ROLES.items():
        client = api(getattr(org, role))
        for key in _routes(CREATE):
            rule = ROUTES[key]
            with found.route(key, role):
                before = fingerprint()
                response = _call(client, key, rule,
                                 body=_body(rule, org, records, scope["outside"]))
                _refused(response, 400, 403, 404, 409, 422)
                _unchanged(before)
    found.check()


def _normalised(response) -> Any:
    if response.get("Content-Type", "").startswith("application/json"):
        found = json.loads(response.content)
        # When a report was made is not data.
        return ({k: v for k, v in found.items() if k != "generated_at"}
                if isinstance(found, dict) else found)
    return b"".join(response.streaming_content) if response.streaming else response.content


HIDDEN_NAMES = {"rep_a": ["rep_a2", "rep_b", "rep_c"], "manager_a": ["rep_b", "rep_c"],
                "head_east": ["rep_c"]}
READS = [k for k in _routes(COLLECTION, SELF) if k.startswith("GET")]


def test_collections_ignore_everything_out_of_scope(records, org, channel, product, api,
                                                    settings):
    """Lists, counts, search, exports, metrics and reports answer exactly the same after
    records appear outside the caller's scope, and name nobody from outside it."""
    # The caller's own requests would show in the usage reports; the out-of-scope person's
    # usage is written directly.
    settings.USAGE_TRACKING = False
    clients = {role: api(getattr(org, role)) for role in SCOPED_ROLES}
    first = {(key, role): _call(clients[role], key, ROUTES[key])
             for key in READS for role in SCOPED_ROLES}
    add_out_of_scope_data(org, channel, product, full=True)
    found = Findings()
    for (key, role), earlier in first.items():
        with found.route(key, role):
            _refused(earlier, 200)
            later = _normalised(_call(clients[role], key, ROUTES[key]))
            assert later == _normalised(earlier), "changed with out-of-scope data"
            text = json.dumps(later, default=str, ensure_ascii=False)
            leaked = [name for name in HIDDEN_NAMES[role] if name in text]
            assert not leaked, f"names {leaked}"
    found.check()


def test_wide_roles_read_every_collection(records, org, api):
    found = Findings()
    for role in WIDE_ROLES:
        client = api(getattr(org, role))
        for key in [k for k in _routes(COLLECTION, SELF, REFERENCE) if k.startswith("GET")]:
            rule = ROUTES[key]
            with found.route(key, role):
                pk = rule.target(org, records, None) if callable(rule.target) else None
                _refused(_call(client, key, rule, pk=pk), 200)
    found.check()


def test_reference_data_is_read_by_everyone(records, org, api):
    found = Findings()
    for role in SCOPED_ROLES:
        client = api(getattr(org, role))
        for key in _routes(REFERENCE):
            rule = ROUTES[key]
            with found.route(key, role):
                pk = rule.target(org, records, None) if rule.target else None
                _refused(_call(client, key, rule, pk=pk), 200)
    found.check()


def test_only_administrators_change_shared_data(records, org, api):
    found = Findings()
    writes = _routes(REFERENCE_WRITE) + [k for k in _routes(ADMIN_DATA)
                                         if not k.startswith("GET")]
    for role in NOT_ADMIN:
        client = api(getattr(org, role))
        for key in writes:
            rule = ROUTES[key]
            with found.route(key, role):
                pk = rule.target(org, records, None) if rule.target else None
                before = fingerprint()
                response = _call(client, key, rule, pk=pk,
                                 body=_body(rule, org, records, role) or {"name": "越权"})
                _refused(response, 403, 404)
                _unchanged(before)
    found.check()


def test_company_configuration_is_hidden_from_sales_roles(records, org, api):
    found = Findings()
    for role in SCOPED_ROLES:
        client = api(getattr(org, role))
        for key in [k for k in _routes(ADMIN_DATA) if k.startswith("GET")]:
            rule = ROUTES[key]
            with found.route(key, role):
                pk = rule.target(org, records, None) if rule.target else None
                response = _call(client, key, rule, pk=pk)
                if pk is None:
                    _refused(response, 200)
                    assert response.json()["count"] == 0
                else:
                    _refused(response, 404)
    found.check()


def test_other_peoples_own_things_answer_404(records, org, api):
    found, client = Findings(), api(org.rep_a)
    for key in _routes(SELF_ITEM):
        rule = ROUTES[key]
        with found.route(key):
            pk = rule.target(org, records, "rep_b")
            before = fingerprint()
            _refused(_call(client, key, rule, pk=pk), 404)
            _unchanged(before)
    found.check()


def test_the_openapi_document_lists_the_same_routes(db):
    """The discovery above reads ninja's routers; the published document must agree, so
    nothing is served that the table did not see."""
    from django.test import Client

    document = Client().get(reverse("api-v1:openapi-json")).json()
    published = {f"{method.upper()} {path.removeprefix('/api/v1')}"
                 for path, item in document["paths"].items() for method in item}
    assert published == set(ROUTE_PATHS)
