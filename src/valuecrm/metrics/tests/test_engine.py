"""Each kind of metric against values worked out by hand on the `book` fixture
(Q1 2025: contracts C1 100000 Jan rep_a, C2 50000 Jan rep_a2, C3 30000 Feb rep_b,
C4 20000 Mar rep_c; a draft and a deleted contract that must not count)."""

from datetime import date
from decimal import Decimal

import pytest

from valuecrm.core.errors import ValidationError
from valuecrm.metrics.queries import drill_down, metric_values

from .conftest import END, START


def values(user, key, grain=None, by=(), **kwargs):
    result = metric_values(user=user, key=key, start=START, end=END, grain=grain, by=by,
                           **kwargs)
    return result


def total(user, key, **kwargs):
    [row] = values(user, key, **kwargs)["totals"]
    return row["value"]


def by_team(result, org):
    names = {org.team_a.pk: "a", org.team_b.pk: "b", org.team_c.pk: "c"}
    return {names[row["dims"]["team"]["id"]]: row["value"] for row in result["totals"]}


def test_simple_sum_by_month_with_zero_filled_periods(book, org):
    result = values(org.admin, "contract_amount", grain="month")
    assert [(r["period"], r["value"]) for r in result["rows"]] == [
        ("2025-01-01", Decimal("150000")), ("2025-02-01", Decimal("30000")),
        ("2025-03-01", Decimal("20000"))]
    empty = metric_values(user=org.admin, key="contract_amount", start=date(2024, 1, 1),
                          end=date(2024, 2, 29), grain="month")
    assert [r["value"] for r in empty["rows"]] == [0, 0]


def test_simple_aggregates(book, org):
    assert total(org.admin, "contracts_signed") == 4
    assert total(org.admin, "signing_customers") == 4
    assert total(org.admin, "median_contract_size") == 40000  # (30000 + 50000) / 2
    assert total(org.admin, "p90_contract_size") == 85000  # 50000 + 0.7 * 50000
    assert total(org.admin, "call_minutes") == 11  # (180 + 120 + 300 + 60) / 60
    assert round(total(org.admin, "first_response_hours"), 6) == round(Decimal(16) / 3, 6)
    assert total(org.admin, "median_first_response_hours") == 4
    assert total(org.admin, "sales_cycle_days") == 22
    assert total(org.admin, "lead_to_win_days") == 27
    assert total(org.admin, "overdue_receivables") == 50000  # 20000 on P1 + 30000 on P3


def test_ratio_is_sum_over_sum_at_every_level(book, org):
    # Team a: 150000 / 2 active reps; the company is 200000 / 4 reps, not the mean of
    # the teams' ratios (75000 + 30000 + 20000) / 3.
    assert by_team(values(org.admin, "per_capita_contract_amount", by=("team",)), org) == {
        "a": 75000, "b": 30000, "c": 20000}
    assert total(org.admin, "per_capita_contract_amount") == 50000
    assert round(total(org.admin, "payment_collection_rate"), 6) == round(
        Decimal(90000) / 140000, 6)
    department = values(org.admin, "calls_per_rep", by=("department",))
    rows = {r["dims"]["department"]["label"]: r["value"] for r in department["totals"]}
    assert rows == {"华东大区": Decimal(4) / 3}


def test_ratio_part_filter(book, org):
    assert total(org.admin, "lead_phone_fill_rate") == Decimal("0.25")
    assert total(org.admin, "customer_email_fill_rate") == Decimal("0.5")


def test_conversion_within_window(book, org):
    # L1 converted with an opportunity after 5 days; L3 after 48 days (outside 30).
    result = values(org.admin, "lead_opportunity_conversion", grain="month")
    assert [r["value"] for r in result["rows"]] == [Decimal("0.5"), 0, 0]
    assert total(org.admin, "lead_opportunity_conversion") == Decimal("0.25")
    assert total(org.admin, "opportunity_win_conversion") == Decimal(1) / 3


def test_derived_with_time_offset(book, org):
    result = values(org.admin, "contract_amount_mom", grain="month")
    # Jan has no previous value (Dec 2024 is 0), Feb (30000-150000)/150000, Mar -1/3.
    assert [r["value"] for r in result["rows"]] == [None, Decimal("-0.8"), Decimal(-1) / 3]


def test_cumulative_to_date_and_running_window(book, org):
    ytd = values(org.admin, "contract_amount_ytd", grain="month")
    assert [r["value"] for r in ytd["rows"]] == [150000, 180000, 200000]
    rolling = metric_values(user=org.admin, key="contract_amount_rolling_3",
                            start=date(2025, 3, 1), end=date(2025, 4, 30), grain="month")
    assert [r["value"] for r in rolling["rows"]] == [200000, 50000]


def test_compare_with_previous_period(book, org):
    result = metric_values(user=org.admin, key="contract_amount", start=date(2025, 2, 1),
                           end=date(2025, 2, 28), compare="previous")
    assert result["totals"][0] | {"dims": None} == {
        "dims": None, "value": 30000, "previous": 150000, "change": -120000}


@pytest.mark.parametrize("username, expected", [
    ("rep_a", 100000), ("rep_c", 20000), ("manager_a", 150000), ("head_east", 180000),
    ("analyst", 200000),
])
def test_numbers_stay_within_the_callers_scope(book, org, username, expected):
    assert total(getattr(org, username), "contract_amount") == expected


def test_filters_by_org_subtree_and_dimension(book, org):
    assert total(org.admin, "contract_amount", filters={"org": org.east.pk}) == 180000
    assert total(org.admin, "contract_amount", filters={"contract_type": "new"}) == 130000
    breakdown = values(org.admin, "contract_amount", by=("contract_type",))
    assert {r["dims"]["contract_type"]["label"]: r["value"] for r in breakdown["totals"]} == {
        "New": 130000, "Renewal": 50000, "Upsell": 20000}


def test_bad_queries_are_refused_clearly(book, org):
    with pytest.raises(ValidationError) as caught:
        values(org.admin, "active_reps", by=("channel",))
    assert "cannot be broken down by channel" in str(caught.value)
    with pytest.raises(ValidationError):
        metric_values(user=org.admin, key="calls", start=END, end=START)
    with pytest.raises(ValidationError):
        values(org.admin, "calls", grain="fortnight")


def test_drill_down_lists_the_records_behind_a_number(book, org):
    _model, qs = drill_down(user=org.admin, key="contract_amount", start=START, end=END,
                            period=date(2025, 1, 1), grain="month",
                            dims={"team": org.team_a.pk})
    assert {c.number for c in qs} == {"C1", "C2"}
    _model, qs = drill_down(user=org.rep_a, key="contract_amount", start=START, end=END)
    assert {c.number for c in qs} == {"C1"}
    _model, qs = drill_down(user=org.admin, key="lead_opportunity_conversion", start=START,
                            end=END, part="converted")
    assert {lead.name for lead in qs} == {"L1"}
    _model, qs = drill_down(user=org.admin, key="win_rate", start=START, end=END,
                            part="denominator")
    assert {o.name for o in qs} == {"O1", "O2"}
    with pytest.raises(ValidationError, match="drill into them"):
        drill_down(user=org.admin, key="contract_amount_ytd", start=START, end=END)


def test_a_breakdown_without_rows_has_no_groups(org):
    from valuecrm.metrics.queries import metric_values

    result = metric_values(user=org.rep_a, key="calls", start=date(2001, 1, 1),
                           end=date(2001, 1, 31), by=("team",))
    assert result["rows"] == [] and result["totals"] == []
