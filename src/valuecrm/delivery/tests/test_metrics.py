"""The delivery metrics in the catalog: lead time equals the sum of the stage durations
(the order_lead_time tree), and matches hand-written SQL."""

from datetime import timedelta

import pytest
from django.db import connection

from valuecrm.delivery.models import Order
from valuecrm.delivery.tests.conftest import T0, place, walk
from valuecrm.metrics.periods import parse_period
from valuecrm.metrics.queries import metric_values
from valuecrm.metrics.trees import explain_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(org, records, stages):
    plans = {"rep_a": [[0.5, 1, 3, 2, 1], [0.5, 2, 6, 2, 1]], "rep_b": [[0.5, 1, 2, 1, 1]]}
    for rep in (org.rep_a, org.rep_b):
        for n, days in enumerate(plans[rep.username]):
            order = place(rep, records[rep.username].contract, number=f"SO-{rep.username}-{n}")
            walk(rep, order, stages, days)
    # February: one faster order, to compare periods.
    early = place(org.rep_a, records["rep_a"].contract, number="SO-feb",
                  at=T0 - timedelta(days=20))
    walk(org.rep_a, early, stages, [0.5, 1, 1, 1, 1])


def _sql_lead_days(owner) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT o.placed_at, o.completed_at FROM {Order._meta.db_table} o
            JOIN sales_contract c ON c.id = o.contract_id
            WHERE c.owner_id = %s AND o.completed_at >= %s AND o.completed_at < %s""",
                       [owner.pk, T0 - timedelta(days=1), T0 + timedelta(days=29)])
        rows = cursor.fetchall()
    return sum((b - a).total_seconds() for a, b in rows) / 86400 / len(rows)


def test_lead_time_matches_sql_and_is_the_sum_of_its_stages(org, completed):
    span = parse_period("2026-03")
    values = metric_values(user=org.rep_a, key="order_lead_time_days", start=span.start,
                           end=span.end)
    assert float(values["totals"][0]["value"]) == pytest.approx(_sql_lead_days(org.rep_a))
    assert float(values["totals"][0]["value"]) == pytest.approx((7.5 + 11.5) / 2)
    tree = explain_tree(user=org.rep_a, key="order_lead_time", before=parse_period("2026-02"),
                        after=span)
    root = tree["root"]
    assert float(root["after"]) == pytest.approx(float(root["metric_after"]))
    assert float(root["after"]) == pytest.approx(9.5)
    assert float(root["before"]) == pytest.approx(4.5)
    by_stage = {child["metric"]: child for child in root["children"]}
    procurement = by_stage["order_stage_days_procurement"]
    assert float(procurement["after"]) == pytest.approx(4.5)
    assert float(procurement["contribution"]) == pytest.approx(3.5)
    assert max(root["children"], key=lambda c: c["contribution"])["metric"] == procurement[
        "metric"]


def test_on_time_rate_by_team(org, completed):
    span = parse_period("2026-03")
    values = metric_values(user=org.head_east, key="order_on_time_rate", start=span.start,
                           end=span.end, by=("team",))
    rates = {row["dims"]["team"]["label"]: float(row["value"]) for row in values["totals"]}
    # rep_a: 7.5 days (due day 7, signed off on day 7 evening: on time) and 11.5 (late)
    assert rates == {"上海一组": 0.5, "杭州组": 1.0}
