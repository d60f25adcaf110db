"""The order stage log is a process source: its analysis covers only the caller's orders."""

from valuecrm.delivery.models import OrderStage
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


def test_order_analysis_flags_stays_over_the_stages_target_days(org, records, stages, api):
    order = place(org.rep_a, records["rep_a"].contract, number="SO-T")
    walk(org.rep_a, order, stages, [1, 1, 3, 2, 1])
    codes = list(stages)
    OrderStage.objects.update(target_days=0)
    OrderStage.objects.filter(code__in=codes[2:4]).update(target_days=2)  # 3 and 2 days

    targets = api(org.rep_a).get("process/sources/orders/analysis").json()["stage_targets"]
    assert [(s["activity"], s["target"], s["visits"], s["over"]) for s in targets["stages"]] \
        == [(codes[2], 2 * 86400, 1, 1), (codes[3], 2 * 86400, 1, 0)]
    assert (targets["cases_over"], targets["share"]) == (1, 1.0)
    assert [(w["case"], w["activity"], w["excess"]) for w in targets["worst"]] == [
        ("SO-T", codes[2], 86400)]

    given = api(org.rep_a).get("process/sources/orders/analysis",
                               stage_target=f"{codes[0]}=12h").json()["stage_targets"]
    assert [(s["activity"], s["over"]) for s in given["stages"]] == [(codes[0], 1)]
