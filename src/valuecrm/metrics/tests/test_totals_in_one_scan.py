"""A report's totals are the same numbers whether they come from the scan that made its
periods (PostgreSQL: GROUPING SETS) or from a scan of their own, for every shipped metric,
overall and by team, and a distinct count costs one query, not two."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from valuecrm.metrics.queries import metric_values

from .conftest import END, START
from .test_against_sql import PG_ONLY, SQL, hand_sql, usage_book  # noqa: F401 - a fixture


def totals(user, key, **kwargs):
    result = metric_values(user=user, key=key, start=START, end=END, **kwargs)
    return {tuple(d["id"] for d in row["dims"].values()): row["value"]
            for row in result["totals"]}


@pytest.mark.parametrize("key", sorted([*SQL, *PG_ONLY]))
@pytest.mark.parametrize("by", [(), ("team",)], ids=["total", "by-team"])
def test_totals_with_periods_equal_totals_alone(book, org, key, by, request):
    if key.startswith(("usage_", "approval_")):
        request.getfixturevalue("usage_book")
    if key in PG_ONLY and connection.vendor != "postgresql":
        pytest.skip("percentile_cont exists on PostgreSQL only")
    with_periods = totals(org.admin, key, grain="month", by=by)
    alone = totals(org.admin, key, by=by)
    assert with_periods == alone
    if not by:
        expected = hand_sql(key)
        value = with_periods[()]
        assert (value is None) if expected is None else (
            float(value) == pytest.approx(float(expected), rel=1e-9, abs=1e-9))


@pytest.mark.parametrize("key", ["signing_customers", "median_first_response_hours",
                                 "first_response_hours"])
def test_a_report_that_cannot_add_up_its_periods_scans_once_on_postgresql(book, org, key):
    with CaptureQueriesContext(connection) as queries:
        metric_values(user=org.admin, key=key, start=START, end=END, grain="month",
                      by=("team",))
    grouped = [q["sql"] for q in queries if " GROUP BY " in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(grouped) == 1 and "GROUPING SETS" in grouped[0]
    else:  # SQLite has no GROUPING SETS: the periods and the totals are two queries
        assert len(grouped) == 2
