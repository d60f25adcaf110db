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


@pytest.fixture
def paid_book(book):
    """C1 belongs to O1 (won 2025-02-01 10:00) and is paid again on 2025-02-10."""
    from datetime import date
    from decimal import Decimal

    from valuecrm.sales.models import Contract, Payment

    c1 = book.contracts["c1"]
    Contract.objects.filter(pk=c1.pk).update(opportunity=book.opportunities["o1"])
    Payment.objects.create(contract=c1, received_date=date(2025, 2, 10),
                           amount=Decimal(20000))
    return book


def crm(user, **kwargs):
    from datetime import date

    from valuecrm.metrics.crm_funnel import crm_funnel

    return crm_funnel(user=user, start=date(2025, 1, 1), end=date(2025, 3, 31), **kwargs)


def test_crm_cohort_funnel(paid_book, org):
    [group] = crm(org.admin)["groups"]
    steps = {s["step"]: s for s in group["steps"]}
    assert [s["count"] for s in group["steps"]] == [4, 2, 1, 1]
    # L1 converted after 5 days, L3 after 47 days.
    assert steps["opportunity"]["mean_seconds"] == 26 * 86400
    assert steps["opportunity"]["median_seconds"] == 26 * 86400
    assert steps["opportunity"]["p90_seconds"] == pytest.approx((5 + 0.9 * 42) * 86400)
    assert steps["won"]["median_seconds"] == 22 * 86400
    # Won 2025-02-01 10:00 Shanghai (02:00 UTC); paid on 2025-02-10 (midnight UTC).
    assert steps["paid"]["mean_seconds"] == 9 * 86400 - 2 * 3600
    assert steps["won"]["conversion_from_previous"] == 0.5
    # With a 30-day window L3's conversion (47 days) and L1's payment (36 days) are late.
    [short] = crm(org.admin, window_days=30)["groups"]
    assert [s["count"] for s in short["steps"]] == [4, 1, 1, 0]


def test_crm_funnel_by_channel_month_and_scope(paid_book, org, channel):
    groups = crm(org.admin, by=["channel"], grain="month")["groups"]
    counts = {(g["period"], g["dims"]["channel"]["label"]): [s["count"] for s in g["steps"]]
              for g in groups}
    assert counts[("2025-01-01", channel.name)] == [1, 1, 1, 1]
    assert counts[("2025-02-01", "(not set)")] == [1, 1, 0, 0]
    [mine] = crm(org.rep_b)["groups"]
    assert [s["count"] for s in mine["steps"]] == [1, 1, 0, 0]


def test_crm_period_funnel_and_interfaces(paid_book, org, api):
    [group] = crm(org.admin, mode="period")["groups"]
    assert [s["count"] for s in group["steps"]] == [4, 2, 1, 1]
    out = StringIO()
    call_command("metrics", "funnel", "--from", "2025-01-01", "--to", "2025-03-31",
                 "--format", "json", stdout=out)
    assert [s["count"] for s in json.loads(out.getvalue())["groups"][0]["steps"]] == [
        4, 2, 1, 1]
    response = api(org.admin).get("/funnels/crm", **{"from": "2025-01-01",
                                                     "to": "2025-03-31", "by": "team"})
    assert response.status_code == 200 and len(response.json()["groups"]) == 3
    bad = api(org.admin).get("/funnels/crm", **{"from": "2025-01-01", "to": "2025-03-31",
                                                "by": "product"})
    assert bad.status_code == 422
