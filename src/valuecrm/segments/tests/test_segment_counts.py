"""Segment counts equal hand-written SQL over the same data, and respect scope."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from valuecrm.crm.models import Customer, Tag
from valuecrm.sales.models import Contract
from valuecrm.segments.actions import create_segment
from valuecrm.segments.queries import segment_counts


@pytest.fixture
def data(org, records):
    vip = Tag.objects.create(name="VIP")
    today = timezone.localdate()
    for i, rep in enumerate(org.reps * 6):
        customer = Customer.objects.create(
            name=f"客户{i}", owner=rep, industry="母婴" if i % 2 else "制造业",
            size_tier="small" if i % 3 else "large")
        if i % 4 == 0:
            customer.tags.add(vip)
        if i % 5:
            Contract.objects.create(number=f"S-{i}", customer=customer, owner=rep,
                                    status="active", signed_date=today - timedelta(days=i * 7))
    return vip


def _sql_count(vip_id, since, owner_ids=None):
    scope = f"AND c.owner_id IN ({', '.join(map(str, owner_ids))})" if owner_ids else ""
    sql = f"""
        SELECT COUNT(*) FROM crm_customer c
        WHERE c.deleted_at IS NULL AND c.industry = %s {scope}
          AND EXISTS (SELECT 1 FROM sales_contract k WHERE k.customer_id = c.id
                      AND k.status IN ('active', 'expired', 'terminated')
                      AND k.signed_date >= %s)
          AND (c.size_tier = 'small' OR EXISTS (SELECT 1 FROM crm_customer_tags t
                                                WHERE t.customer_id = c.id AND t.tag_id = %s))
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, ["母婴", since, vip_id])
        return cursor.fetchone()[0]


def test_counts_equal_hand_written_sql(org, data):
    definition = {"all": [
        {"field": "industry", "value": "母婴"}, {"purchased": {"within_days": 90}},
        {"any": [{"field": "size_tier", "value": "small"}, {"tag": data.pk}]}]}
    segment = create_segment(actor=org.admin, name="母婴近购", definition=definition)
    since = timezone.localdate() - timedelta(days=90)
    expected = _sql_count(data.pk, since)
    assert 0 < expected < Customer.objects.count()
    assert segment_counts(org.admin, segment)["customers"] == expected
    assert segment_counts(org.rep_b, segment)["customers"] == _sql_count(
        data.pk, since, [org.rep_b.pk])
    team = [org.rep_a.pk, org.rep_a2.pk, org.manager_a.pk]
    assert segment_counts(org.manager_a, segment)["customers"] == _sql_count(
        data.pk, since, team)


def test_metric_conditions_include_customers_without_rows(org, records):
    segment = create_segment(actor=org.admin, name="小额", definition={
        "metric": "contract_amount", "op": "lt", "value": 1, "within_days": 30})
    # Every fixture contract is a draft: no signed amount, so every customer has 0 < 1.
    assert segment_counts(org.admin, segment)["customers"] == Customer.objects.count()


def test_bad_definitions_are_refused_field_by_field(org):
    from django.core.exceptions import ValidationError

    for bad in ({}, {"field": "password", "value": 1}, {"all": []},
                {"metric": "x", "value": 1}, {"inactive_days": -1}):
        with pytest.raises(ValidationError) as error:
            create_segment(actor=org.admin, name="bad", definition=bad)
        assert "definition" in error.value.message_dict
