"""The order stage log is a process source: its analysis covers only the caller's orders."""

from valuecrm.delivery.tests.conftest import place, walk


def test_order_stages_are_analysed_as_a_process_within_scope(org, records, stages, api):
    mine = place(org.rep_a, records["rep_a"].contract, number="SO-A")
    walk(org.rep_a, mine, stages, [1, 1, 3, 2, 1])
    theirs = place(org.rep_b, records["rep_b"].contract, number="SO-B")
    walk(org.rep_b, theirs, stages, [1, 1])

    rep_view = api(org.rep_a).get("process/sources/orders/analysis")
    assert rep_view.status_code == 200, rep_view.content
    assert rep_view.json()["summary"]["cases"] == 1
    assert rep_view.json()["summary"]["events"] == 6
    head_view = api(org.head_east).get("process/sources/orders/analysis").json()
    assert head_view["summary"]["cases"] == 2
