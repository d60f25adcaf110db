"""On public real event logs, counts, variants and directly-follows durations equal
PM4Py's (performance DFG, frequency DFG, variants, start and end activities)."""

import math
import warnings
from pathlib import Path

import pytest

from valuecrm.process.analysis import analyze
from valuecrm.process.readers import Columns, read_log

LOGS = Path(__file__).resolve().parents[5] / "shared" / "data" / "eventlogs"
pytestmark = pytest.mark.skipif(not LOGS.is_dir(),
                                reason=f"public event logs not found at {LOGS}")
CSV = Columns(case="case:concept:name", activity="concept:name", timestamp="time:timestamp")


def _pm4py_log(path: Path):
    import pandas as pd
    import pm4py

    if path.suffix == ".csv":
        return pm4py.format_dataframe(pd.read_csv(path), case_id="case:concept:name",
                                      activity_key="concept:name",
                                      timestamp_key="time:timestamp")
    return pm4py.read_xes(str(path), show_progress_bar=False)


@pytest.mark.parametrize("name", ["running-example.csv", "running-example.xes", "receipt.csv",
                                  "08_receipt.xes.gz", "helpdesk.xes.gz"])
def test_equal_to_pm4py(name):
    import pm4py

    path = LOGS / name
    with path.open("rb") as stream:
        ours = analyze(read_log(stream, CSV if name.endswith(".csv") else Columns(),
                                name=name), )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = _pm4py_log(path)
        performance, starts, ends = pm4py.discover_performance_dfg(frame)
        frequency, _, _ = pm4py.discover_dfg(frame)
        variants = pm4py.get_variants(frame)

    assert ours["summary"]["cases"] == frame["case:concept:name"].nunique()
    assert ours["summary"]["events"] == len(frame)
    assert ours["summary"]["activities"] == frame["concept:name"].nunique()
    assert ours["variants"]["count"] == len(variants)
    for variant in ours["variants"]["top"]:
        assert variants[tuple(variant["activities"])] == variant["cases"]
    assert {a["name"]: a["count"] for a in ours["start_activities"]} == starts
    assert {a["name"]: a["count"] for a in ours["end_activities"]} == ends

    transitions = {(t["from"], t["to"]): t for t in ours["transitions"]}
    assert set(transitions) == set(performance) == set(frequency)
    for pair, theirs in performance.items():
        mine = transitions[pair]
        assert mine["count"] == frequency[pair], pair
        for key, their_key in (("mean", "mean"), ("median", "median"), ("total", "sum")):
            assert math.isclose(mine[key], theirs[their_key], rel_tol=1e-9, abs_tol=1e-6), (
                pair, key, mine[key], theirs[their_key])
