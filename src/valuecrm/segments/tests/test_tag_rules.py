from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from valuecrm.crm.models import Customer, Tag
from valuecrm.segments.actions import apply_tag_rules, create_tag_rule, tag_customer
from valuecrm.segments.models import TagChange


@pytest.fixture
def dormant(db):
    return Tag.objects.create(name="沉睡")


def test_rules_tag_matches_take_back_their_tag_and_log_why(org, records, dormant):
    create_tag_rule(actor=org.admin, name="60天无活动", tag_id=dormant.pk,
                    definition={"inactive_days": 60})
    Customer.objects.update(last_activity_at=timezone.now())
    old = timezone.now() - timedelta(days=90)
    sleeping = records["rep_b"].customer
    Customer.objects.filter(pk=sleeping.pk).update(last_activity_at=old)
    never = Customer.objects.create(name="从未联系", owner=org.rep_a)
    assert apply_tag_rules()["60天无活动"] == {"added": 2, "removed": 0}
    assert set(dormant.customers.values_list("pk", flat=True)) == {sleeping.pk, never.pk}
    assert apply_tag_rules()["60天无活动"] == {"added": 0, "removed": 0}  # idempotent

    Customer.objects.filter(pk=sleeping.pk).update(last_activity_at=timezone.now())
    call_command("segments", "apply-rules")
    assert list(dormant.customers.values_list("pk", flat=True)) == [never.pk]
    log = TagChange.objects.filter(customer=sleeping).order_by("at", "pk")
    assert [(c.action, c.source, c.rule.name) for c in log] == [
        ("added", "rule", "60天无活动"), ("removed", "rule", "60天无活动")]
    assert "60天无活动" in log[0].reason and log[0].actor.username == "valuecrm-system"


def test_rules_never_take_back_a_tag_given_by_hand(org, records, dormant):
    create_tag_rule(actor=org.manager_a, name="沉睡规则", tag_id=dormant.pk,
                    definition={"inactive_days": 60})
    mine = records["rep_a"].customer
    tag_customer(actor=org.rep_a, customer_id=mine.pk, tag_id=dormant.pk, reason="客户说暂停")
    apply_tag_rules()
    assert dormant.customers.filter(pk=mine.pk).exists()
    assert TagChange.objects.filter(customer=mine, source="hand").count() == 1


def test_purchases_of_a_category_and_interest_tags(org, records, product):
    buyer = Tag.objects.create(name="软件买家")
    create_tag_rule(actor=org.admin, name="买过软件", tag_id=buyer.pk,
                    definition={"purchased": {"category": "软件", "within_days": 365}})
    from valuecrm.sales.models import Contract

    Contract.objects.filter(pk=records["rep_c"].contract.pk).update(
        status="active", signed_date=timezone.localdate())
    apply_tag_rules()
    assert list(buyer.customers.all()) == [records["rep_c"].customer]


def test_reps_cannot_define_rules(org, dormant):
    from valuecrm.core.errors import Forbidden

    with pytest.raises(Forbidden):
        create_tag_rule(actor=org.rep_a, name="x", tag_id=dormant.pk,
                        definition={"inactive_days": 1})
