"""Metric trees: values, exact Shapley attribution, and the lever that moved the total."""

import json
from datetime import date
from fractions import Fraction
from io import StringIO

from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from valuecrm.metrics.periods import Span
from valuecrm.metrics.trees import combine, explain_tree, shapley

JAN, FEB = Span(date(2025, 1, 1), date(2025, 1, 31)), Span(date(2025, 2, 1), date(2025, 2, 28))
values = st.fractions(min_value=-1000, max_value=1000, max_denominator=50)


@given(st.sampled_from(["sum", "difference", "product", "ratio"]), st.data())
def test_contributions_add_up_to_the_change(op, data):
    n = 2 if op in ("difference", "ratio") else data.draw(st.integers(1, 5))
    before = data.draw(st.lists(values, min_size=n, max_size=n))
    after = data.draw(st.lists(values, min_size=n, max_size=n))
    shares = shapley(op, before, after)
    old, new = combine(op, before), combine(op, after)
    if old is None or new is None:
        return
    if shares is None:  # a ratio whose denominator is 0 in some mix of the two periods
        assert op == "ratio" and 0 in (before[1], after[1])
        return
    assert sum(shares, Fraction(0)) == new - old


def test_shapley_is_order_independent_and_handles_zero():
    before, after = [Fraction(2), Fraction(0), Fraction(5)], [Fraction(3), Fraction(4),
                                                                Fraction(5)]
    shares = shapley("product", before, after)
    assert sum(shares) == 60
    assert shapley("product", before[::-1], after[::-1]) == shares[::-1]


def test_contract_amount_tree_between_two_months(book, org):
    result = explain_tree(user=org.admin, key="contract_amount_drivers", before=JAN,
                          after=FEB)
    root = result["root"]
    assert (root["before"], root["after"], result["change"]) == (150000, 30000, -120000)
    shares = {c["metric"]: c["contribution"] for c in root["children"]}
    # leads 2 -> 1, contracts per lead 1 -> 1, deal size 75000 -> 30000.
    assert shares == {"leads_created": -52500, "lead_to_deal_rate": 0,
                      "avg_contract_size": -67500}
    assert root["metric_after"] == 30000
    assert result["levers"]["moved_most"] == "avg_contract_size"
    assert "larger deals" in result["levers"]["summary"]


def test_split_tree_and_nested_attribution(book, org):
    split = explain_tree(user=org.admin, key="contract_amount_by_unit", before=JAN,
                         after=FEB, org=org.east.pk)
    assert [(c["label"], c["before"], c["after"]) for c in split["root"]["children"]] == [
        ("上海一组", 150000, 0), ("杭州组", 0, 30000)]
    profit = explain_tree(user=org.admin, key="profit", before=JAN, after=FEB)
    revenue = profit["root"]["children"][0]
    assert revenue["contribution"] == -120000
    assert sum(c["contribution_to_root"] for c in revenue["children"]) == -120000


def test_tree_command_prints_the_attribution(book, org):
    out = StringIO()
    call_command("metrics", "tree", "contract_amount_drivers", "--period", "2025-02",
                 "--compare", "2025-01", "--format", "json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["change"] == -120000
    out = StringIO()
    call_command("metrics", "tree", "contract_amount_drivers", "--period", "2025-02",
                 "--compare", "2025-01", stdout=out)
    assert "contribution -52,500" in out.getvalue()


def test_tree_api(book, org, api):
    response = api(org.admin).get("/metric-trees/contract_amount_drivers",
                                  period="2025-02", compare="2025-01")
    assert response.status_code == 200
    assert response.json()["levers"]["moved_most"] == "avg_contract_size"
    bad = api(org.admin).get("/metric-trees/contract_amount_drivers", period="soon",
                             compare="2025-01")
    assert bad.status_code == 422
