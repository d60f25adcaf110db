"""Event-log funnels: windows from the first step, order, repeated attempts, real data."""

import csv
import json
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

OLIST = Path(__file__).resolve().parents[5] / "shared" / "data" / "olist-funnel"


def run(tmp_path, rows, steps="view,signup,buy", window="14d", *extra):
    path = tmp_path / "events.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user", "action", "at"])
        writer.writerows(rows)
    out = StringIO()
    call_command("metrics", "funnel", "--events", str(path), "--entity", "user", "--event",
                 "action", "--time", "at", "--steps", steps, "--window", window,
                 "--format", "json", *extra, stdout=out)
    return json.loads(out.getvalue())


def counts(result):
    return [s["count"] for s in result["steps"]]


def test_window_is_measured_from_the_first_step(db, tmp_path):
    rows = [("u1", "view", "2025-01-01 00:00"), ("u1", "signup", "2025-01-10 00:00"),
            ("u1", "buy", "2025-01-16 00:00"),  # 15 days after the view: outside 14d
            ("u2", "view", "2025-01-01 00:00"), ("u2", "signup", "2025-01-02 00:00"),
            ("u2", "buy", "2025-01-03 12:00")]
    result = run(tmp_path, rows)
    assert counts(result) == [2, 2, 1]
    assert result["steps"][1]["mean_seconds"] == (9 * 86400 + 86400) / 2
    assert result["steps"][2]["median_seconds"] == 36 * 3600
    assert result["steps"][2]["conversion_from_start"] == 0.5


def test_steps_out_of_order_and_strict_order(db, tmp_path):
    rows = [("u1", "signup", "2025-01-01"), ("u1", "view", "2025-01-02"),
            ("u1", "buy", "2025-01-03"),  # signup before view: reaches only the view
            ("u2", "view", "2025-01-01"), ("u2", "help", "2025-01-02"),
            ("u2", "signup", "2025-01-03"), ("u2", "buy", "2025-01-04")]
    assert counts(run(tmp_path, rows)) == [2, 1, 1]
    assert counts(run(tmp_path, rows, "view,signup,buy", "14d", "--order", "strict")) == [
        2, 0, 0]


def test_a_later_incomplete_attempt_does_not_replace_a_complete_one(db, tmp_path):
    rows = [("u1", "view", "2025-01-01"), ("u1", "signup", "2025-01-02"),
            ("u1", "buy", "2025-01-03"), ("u1", "view", "2025-02-01"),
            ("u2", "view", "2025-01-01"),  # first attempt goes nowhere ...
            ("u2", "view", "2025-03-01"), ("u2", "signup", "2025-03-02")]  # ... the second
    result = run(tmp_path, rows)
    assert counts(result) == [2, 2, 1]
    assert result["steps"][1]["mean_seconds"] == 86400  # from the best attempts
    assert counts(run(tmp_path, rows, "view,signup,buy", "14d", "--from", "2025-02-01")) == [
        2, 1, 0]


def test_bad_input_is_refused(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="14 days"):
        run(tmp_path, [("u1", "view", "2025-01-01")], "view,buy", "14 days")
    with pytest.raises(CommandError, match="No column"):
        out = StringIO()
        call_command("metrics", "funnel", "--events", str(tmp_path / "events.csv"),
                     "--entity", "nobody", "--event", "action", "--time", "at",
                     "--steps", "view,buy", "--window", "1d", stdout=out)


@pytest.mark.skipif(not OLIST.is_dir(), reason="shared/data/olist-funnel is not present")
def test_olist_marketing_funnel(db, tmp_path):
    mql = {r["mql_id"]: datetime.strptime(r["first_contact_date"], "%d-%m-%Y") for r in
           csv.DictReader((OLIST / "olist_marketing_qualified_leads_dataset.csv").open())}
    won = {r["mql_id"]: datetime.fromisoformat(r["won_date"]) for r in
           csv.DictReader((OLIST / "olist_closed_deals_dataset.csv").open())}
    rows = [(k, "mql", v.isoformat()) for k, v in mql.items()]
    rows += [(k, "won", v.isoformat()) for k, v in won.items()]
    result = run(tmp_path, rows, "mql,won", "90d")
    expected = sum(1 for k, t in won.items()
                   if k in mql and timedelta(0) <= t - mql[k] <= timedelta(days=90))
    assert counts(result) == [len(mql), expected]
    assert 0 < expected < len(won)
