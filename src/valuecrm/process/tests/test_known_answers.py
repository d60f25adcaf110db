"""Hand-built logs whose answers are worked out by hand: ordering, time zones, rework,
one-event cases, stage shares, targets, comparisons, risk factors and bad input."""

import gzip

import pytest
from django.core.management import CommandError, call_command

HEADER = ["case", "activity", "at"]
# Cases interleaved as in a real export, B's events out of order, D across time zones.
ROWS = [
    ["B", "b", "2025-03-03 12:00:00+08:00"],
    ["A", "a", "2025-03-03 09:00:00+08:00"],
    ["B", "a", "2025-03-03 09:00:00+08:00"],
    ["C", "a", "2025-03-03 10:00:00+08:00"],
    ["A", "b", "2025-03-03 10:00:00+08:00"],
    ["B", "c", "2025-03-03 13:00:00+08:00"],
    ["D", "a", "2025-03-03T01:00:00Z"],
    ["B", "b", "2025-03-03 11:00:00+08:00"],
    ["A", "c", "2025-03-03 12:00:00+08:00"],
    ["D", "b", "2025-03-03 10:00:00+08:00"],
]
HOUR = 3600.0


def transition(result, source, target):
    return next(t for t in result["transitions"] if (t["from"], t["to"]) == (source, target))


def test_counts_and_variants_follow_time_order_per_case(db, analyze_rows):
    result = analyze_rows(HEADER, ROWS)
    assert result["summary"] | {"first_event": None, "last_event": None} == {
        "cases": 4, "events": 10, "activities": 3, "skipped_events": 0,
        "first_event": None, "last_event": None}
    variants = {tuple(v["activities"]): v["cases"] for v in result["variants"]["top"]}
    assert variants == {("a", "b", "c"): 1, ("a", "b", "b", "c"): 1, ("a",): 1, ("a", "b"): 1}
    assert {s["name"]: s["count"] for s in result["start_activities"]} == {"a": 4}
    assert {s["name"]: s["count"] for s in result["end_activities"]} == {"c": 2, "a": 1, "b": 1}


def test_directly_follows_durations_across_time_zones(db, analyze_rows):
    a_b = transition(analyze_rows(HEADER, ROWS), "a", "b")
    # A: 1h, B: 2h, D: 01:00Z -> 10:00+08:00 = 02:00Z, 1h
    assert a_b["count"] == 3
    assert a_b["mean"] == pytest.approx(4 / 3 * HOUR)
    assert a_b["median"] == HOUR
    assert a_b["p90"] == pytest.approx(1.8 * HOUR)
    assert a_b["total"] == 4 * HOUR


def test_stage_times_add_up_to_lead_time(db, analyze_rows):
    result = analyze_rows(HEADER, ROWS)
    assert result["lead_time"]["total"] == 8 * HOUR  # A 3h, B 4h, C 0, D 1h
    stages = {s["activity"]: s for s in result["stages"]}
    assert stages["a"]["total"] == 4 * HOUR and stages["a"]["share"] == 0.5
    assert stages["b"]["visits"] == 3 and stages["b"]["share"] == 0.5
    assert stages["c"]["visits"] == 0 and stages["c"]["total"] == 0
    assert sorted((b["activity"], b["rank"]) for b in result["bottlenecks"])[0][0] == "a"
    assert len(result["bottlenecks"]) == 2  # c closes every case: no time, no rank


def test_rework_is_an_activity_repeated_in_a_case(db, analyze_rows):
    rework = analyze_rows(HEADER, ROWS)["rework"]
    assert rework["cases"] == 1 and rework["share"] == 0.25
    assert rework["by_activity"] == [{"activity": "b", "cases": 1, "repeats": 1}]


def test_one_event_cases_have_zero_lead_time(db, analyze_rows):
    result = analyze_rows(HEADER, [["x", "a", "2025-01-01 09:00"], ["y", "a", "2025-01-02"]])
    assert result["summary"]["cases"] == 2
    assert result["lead_time"]["max"] == 0 and result["transitions"] == []


def test_simultaneous_events_keep_file_order(db, analyze_rows):
    rows = [["x", "b", "2025-01-01 09:00"], ["x", "a", "2025-01-01 09:00"]]
    result = analyze_rows(HEADER, rows)
    assert result["variants"]["top"][0]["activities"] == ["b", "a"]


def test_cases_over_target(db, analyze_rows):
    target = analyze_rows(HEADER, ROWS, "--target", "150m")["target"]
    assert target["cases"] == 2 and target["share"] == 0.5
    assert [(w["case"], w["lead_time"]) for w in target["worst"]] == [("B", 4 * HOUR),
                                                                      ("A", 3 * HOUR)]


def test_compare_before_and_after_a_date(db, analyze_rows):
    rows = [["old", "a", "2025-01-01 00:00"], ["old", "b", "2025-01-05 00:00"],
            ["new", "a", "2025-02-01 00:00"], ["new", "b", "2025-02-02 00:00"]]
    comparison = analyze_rows(HEADER, rows, "--compare-before", "2025-01-15")["comparison"]
    before, after = comparison["groups"]
    assert (before["cases"], after["cases"]) == (1, 1)
    assert comparison["difference"]["mean_lead_time"] == -3 * 86400
    assert comparison["difference"]["stages"] == {"a": -3 * 86400}


def test_compare_groups_and_risk_factors_by_attribute(db, analyze_rows):
    header = ["order", "stage", "at", "supplier", "modifications"]
    rows = []
    for i, (supplier, mods, days) in enumerate([("S1", 0, 2), ("S1", 1, 3), ("S2", 2, 6),
                                                ("S2", 4, 9), ("S2", 4, 8)]):
        rows += [[f"o{i}", "placed", "2025-01-01", supplier, mods],
                 [f"o{i}", "shipped", f"2025-01-{1 + days:02d}", supplier, mods]]
    result = analyze_rows(header, rows, "--compare-attribute", "supplier", "--compare-values",
                          "S1", "S2", "--risk", "modifications", "--risk", "supplier")
    s1, s2 = result["comparison"]["groups"]
    assert (s1["cases"], s1["lead_time"]["mean"]) == (2, 2.5 * 86400)
    assert (s2["cases"], s2["lead_time"]["median"]) == (3, 8 * 86400)
    mods, supplier = result["risk_factors"]
    assert mods["kind"] == "numeric" and mods["cases"] == 5
    assert mods["pearson"] > 0.9 and mods["spearman"] > 0.9
    assert [(g["value"], g["cases"]) for g in mods["groups"]] == [("0", 1), ("1", 1), ("2", 1),
                                                                  ("4", 2)]
    assert supplier["kind"] == "categorical" and supplier["eta"] > 0.9
    assert [(g["value"], g["cases"]) for g in supplier["groups"]] == [("S2", 3), ("S1", 2)]


def test_lifecycle_keeps_complete_events(db, analyze_rows):
    header = ["case", "activity", "at", "transition"]
    rows = [["x", "a", "2025-01-01 09:00", "start"], ["x", "a", "2025-01-01 10:00", "complete"],
            ["x", "b", "2025-01-01 12:00", "complete"]]
    result = analyze_rows(header, rows, "--lifecycle", "transition")
    assert result["summary"]["events"] == 2 and result["summary"]["skipped_events"] == 1
    assert transition(result, "a", "b")["mean"] == 2 * HOUR


def test_gb18030_csv_with_chinese_names(db, analyze_rows):
    rows = [["单1", "下单", "2025-01-01 09:00"], ["单1", "发货", "2025-01-03 09:00"]]
    result = analyze_rows(["订单", "环节", "时间"], rows, encoding="gb18030")
    assert transition(result, "下单", "发货")["total"] == 2 * 86400


@pytest.mark.parametrize(("cell", "message"), [
    ("", "Row 3: the timestamp is empty"),
    ("soon", "Row 3: 'soon' is not a timestamp"),
])
def test_bad_timestamp_names_the_row(db, analyze_rows, cell, message):
    with pytest.raises(CommandError, match=message):
        analyze_rows(HEADER, [["x", "a", "2025-01-01"], ["x", "b", cell]])


def test_missing_column_lists_the_columns(db, analyze_rows):
    with pytest.raises(CommandError, match="No column 'supplier'.*case, activity, at"):
        analyze_rows(HEADER, ROWS, "--risk", "supplier")


def test_empty_case_names_the_row(db, analyze_rows):
    with pytest.raises(CommandError, match="Row 2: the case column is empty"):
        analyze_rows(HEADER, [["", "a", "2025-01-01"]])


XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xmlns="http://www.xes-standard.org/">
  <trace><string key="concept:name" value="t1"/><string key="supplier" value="S1"/>
    <event><string key="concept:name" value="b"/>
      <date key="time:timestamp" value="2025-01-01T12:00:00.000+08:00"/></event>
    <event><string key="concept:name" value="a"/>
      <date key="time:timestamp" value="2025-01-01T10:00:00.000+08:00"/></event>
  </trace>
  <trace><string key="concept:name" value="t2"/>
    <event><string key="concept:name" value="a"/>{timestamp}</event>
  </trace>
</log>"""


def _xes(tmp_path, text, compress):
    path = tmp_path / ("log.xes.gz" if compress else "log.xes")
    data = text.encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return str(path)


@pytest.mark.parametrize("compress", [False, True])
def test_xes_plain_and_gzip(db, tmp_path, compress, capsys):
    path = _xes(tmp_path, XES.format(
        timestamp='<date key="time:timestamp" value="2025-01-02T00:00:00Z"/>'), compress)
    call_command("process", "analyze", path, "--risk", "supplier")
    out = capsys.readouterr().out
    assert "2 cases, 3 events, 2 activities, 2 variants" in out
    assert "a     b   1      2.0h" in out
    assert "Risk factor supplier: 1 cases" in out


def test_xes_missing_timestamp_names_the_trace_and_event(db, tmp_path):
    path = _xes(tmp_path, XES.format(timestamp=""), compress=False)
    with pytest.raises(CommandError, match="Trace t2, event 1: the timestamp is empty"):
        call_command("process", "analyze", path)


def test_stays_over_their_stage_target(db, analyze_rows):
    # Stays in a: A 1h, B 2h, D 1h; in b: A 2h, B 1h and 1h. Targets 90 minutes each.
    targets = analyze_rows(HEADER, ROWS, "--stage-target", "a=90m", "--stage-target", "b=90m",
                           "--stage-target", "never=1h")["stage_targets"]
    assert [(s["activity"], s["visits"], s["over"], s["cases_over"]) for s in
            targets["stages"]] == [("a", 3, 1, 1), ("b", 3, 1, 1), ("never", 0, 0, 0)]
    assert (targets["cases_over"], targets["share"]) == (2, 0.5)
    assert sorted((w["case"], w["activity"], w["excess"]) for w in targets["worst"]) == [
        ("A", "b", 0.5 * HOUR), ("B", "a", 0.5 * HOUR)]


def test_a_stage_target_needs_a_stage_and_a_duration(db, analyze_rows):
    with pytest.raises(CommandError, match="stage_target: Write a stage target as"):
        analyze_rows(HEADER, ROWS, "--stage-target", "procurement")
