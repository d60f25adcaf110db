from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from valuecrm.core.errors import NotFound
from valuecrm.metrics.catalog import get_catalog
from valuecrm.metrics.queries import metric_values
from valuecrm.value.measure import Period
from valuecrm.value.report import value_report


def test_every_visible_catalog_metric_equals_the_engine(records, org, this_year):
    baseline, current = this_year
    report = value_report(actor=org.head_east, baseline=baseline, current=current)
    catalog = get_catalog()
    shown = {row.key for row in report.rows()}
    assert shown == {m.key for m in catalog.metrics.values() if not m.hidden}
    for row in report.rows():
        for period, side in ((baseline, row.baseline), (current, row.current)):
            engine = metric_values(user=org.head_east, key=row.key, start=period.start,
                                   end=period.end)
            assert side.value == engine["totals"][0]["value"], row.key
            assert side.links["values"].startswith(f"/api/v1/metrics/{row.key}/values?")
    groups = [(g["category"], g["relation"]) for g in report.groups]
    assert len(groups) == len(set(groups))
    assert all(r.category == g["category"] and r.relation == g["relation"]
               for g in report.groups for r in g["rows"])


def test_a_reps_report_covers_only_their_records(records, org, this_year):
    baseline, current = this_year
    mine = value_report(actor=org.rep_a, baseline=baseline, current=current)
    calls = mine.row("calls").current
    assert calls.value == 1 and calls.sample == 1  # the fixture gives each rep one call
    assert mine.row("call_minutes").current.value == 3
    everyone = value_report(actor=org.admin, baseline=baseline, current=current)
    assert everyone.row("calls").current.value == 4


def test_an_org_unit_limits_the_report_and_must_be_visible(records, org, this_year):
    baseline, current = this_year
    team = value_report(actor=org.admin, baseline=baseline, current=current,
                        org_unit=org.team_a)
    assert team.row("calls").current.value == 2  # rep_a and rep_a2
    assert team.org_unit == {"id": org.team_a.pk, "name": org.team_a.name}
    assert "filter=org%3A" in team.row("calls").current.links["values"]
    with pytest.raises(NotFound):
        value_report(actor=org.manager_a, baseline=baseline, current=current,
                     org_unit=org.team_c)


def test_a_period_ending_before_it_starts_is_refused(org, this_year):
    baseline, current = this_year
    with pytest.raises(ValidationError):
        value_report(actor=org.admin, baseline=Period(current.end, current.start),
                     current=current)


def test_small_samples_are_flagged_not_celebrated(records, org, this_year):
    baseline, current = this_year
    report = value_report(actor=org.admin, baseline=baseline, current=current)
    row = report.row("calls")
    assert row.small_sample and row.verdict == "inconclusive"
    assert not any("Calls rose" in s for s in report.narrative["en"])


def test_hours_saved_in_money_with_the_cost_per_hour(records, org, this_year, settings):
    settings.VALUE_OPERATION_DURATIONS = {"first_response_hours": 1, "no_such_metric": 1}
    settings.VALUE_COST_PER_HOUR = "200"
    baseline, current = this_year
    report = value_report(actor=org.admin, baseline=baseline, current=current)
    assert report.cost_per_hour == Decimal(200)
    for item in report.hours_saved:  # the fixture's leads have no first contact yet
        assert item["money"] == (item["hours_saved"] * 200).quantize(Decimal("0.01"))
    assert isinstance(report.total_money_saved, Decimal)


def test_narrative_sentences_in_both_languages(records, org, this_year):
    baseline, current = this_year
    with translation.override("en"):
        report = value_report(actor=org.admin, baseline=baseline, current=current)
    zh, en = report.narrative["zh"], report.narrative["en"]
    assert len(zh) == len(en) > 0
    assert any("样本过小" in s for s in zh) and any("Too few records" in s for s in en)
