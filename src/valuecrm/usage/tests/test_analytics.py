"""Usage analytics against hand-written SQL, the catalog's usage metrics, and scope."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from valuecrm.metrics.queries import metric_values
from valuecrm.org.models import User
from valuecrm.usage import buffer
from valuecrm.usage.models import FeatureRelease
from valuecrm.usage.queries import summary, time_to_adopt, underused_features, usage_report

START, END = date(2025, 3, 3), date(2025, 3, 30)


def at(day: date, hour: int = 10):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def usage(org):
    """rep_a: 10 weekdays, 2 sessions a day, leads + pool; rep_a2: 3 days, leads only;
    rep_b: 5 days, leads + pool; rep_c: 1 day, leads; manager_a: 4 days, reports."""
    plan = {org.rep_a: (10, ["leads", "pool"]), org.rep_a2: (3, ["leads"]),
            org.rep_b: (5, ["leads", "pool"]), org.rep_c: (1, ["leads"]),
            org.manager_a: (4, ["reports"])}
    for person, (days, used) in plan.items():
        for n in range(days):
            day = START + timedelta(days=n + n // 5 * 2)  # weekdays
            for hour, feature in enumerate(used, start=9):
                buffer.record(user_id=person.pk, unit_id=person.unit_id, feature=feature,
                              action="page_view", at=at(day, hour), duration_ms=100 + hour,
                              session=f"s{person.pk}-{day}-{hour % 2}")
    buffer.record(user_id=org.rep_a.pk, unit_id=org.rep_a.unit_id, feature="leads",
                  action="page_view", at=at(END + timedelta(days=3)))  # outside the span
    return plan


def scalar(sql, **params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_summary_equals_hand_sql(org, usage):
    result = summary(org.admin, START, END)
    bounds = {"d0": START, "d1": END}
    person_days = scalar("SELECT COUNT(*) FROM usage_usageday WHERE day BETWEEN %(d0)s AND "
                         "%(d1)s", **bounds)
    days = scalar("SELECT COUNT(DISTINCT day) FROM usage_usageday WHERE day BETWEEN %(d0)s "
                  "AND %(d1)s", **bounds)
    people = scalar("SELECT COUNT(DISTINCT user_id) FROM usage_usageday WHERE day BETWEEN "
                    "%(d0)s AND %(d1)s", **bounds)
    sessions = scalar("SELECT COUNT(DISTINCT session) FROM usage_usageevent WHERE "
                      "occurred_at >= %(t0)s AND occurred_at < %(t1)s AND session <> ''",
                      t0=at(START, 0), t1=at(END + timedelta(days=1), 0))
    assert (person_days, days, people) == (23, 10, 5)
    assert result["person_days"] == person_days and result["active_users"] == people
    assert result["dau"] == pytest.approx(person_days / days)
    assert result["stickiness"] == pytest.approx(person_days / days / people)
    assert result["sessions_per_user"] == pytest.approx(sessions / people)
    assert result["mau"] == 5 and result["licensed_users"] == 8
    # everyone in the week of 3 March, only rep_a in the week after
    assert result["wau"] == pytest.approx((5 + 1) / 2)


@pytest.mark.parametrize("key,field", [("usage_dau", "dau"), ("usage_stickiness", "stickiness"),
                                       ("usage_sessions_per_user", "sessions_per_user"),
                                       ("usage_active_users", "active_users")])
def test_catalog_metrics_give_the_same_numbers(org, usage, key, field):
    for user in (org.admin, org.manager_a):
        [row] = metric_values(user=user, key=key, start=START, end=END)["totals"]
        assert float(row["value"]) == pytest.approx(summary(user, START, END)[field])


def test_feature_adoption_metric_by_team(org, usage):
    result = metric_values(user=org.admin, key="usage_adoption_pool", start=START, end=END,
                           by=["team"])
    shares = {row["dims"]["team"]["id"]: float(row["value"] or 0) for row in result["totals"]}
    assert shares[org.team_a.pk] == pytest.approx(1 / 3)  # rep_a of rep_a, rep_a2, manager
    assert shares[org.team_b.pk] == 1 and shares[org.team_c.pk] == 0


def test_a_rep_sees_only_their_own_usage_and_a_manager_their_team(org, usage, api):
    mine = summary(org.rep_b, START, END)
    assert (mine["active_users"], mine["licensed_users"], mine["person_days"]) == (1, 1, 5)
    team = summary(org.manager_a, START, END)
    assert (team["active_users"], team["licensed_users"]) == (3, 3)
    assert summary(org.head_east, START, END)["active_users"] == 4
    body = api(org.rep_c).get("usage/report", **{"from": START, "to": END}).json()
    assert body["summary"]["active_users"] == 1
    assert [t["name"] for t in body["teams"]] == [org.team_c.name]
    assert api(org.rep_c).get("usage/report", **{"from": START, "to": END,
                                                 "org": org.team_a.pk}).status_code == 404


def test_time_to_adopt_counts_from_the_release(org, usage):
    FeatureRelease.objects.create(feature="pool", released_on=START - timedelta(days=2))
    User.objects.update(date_joined=at(START - timedelta(days=30)))
    User.objects.filter(pk=org.rep_b.pk).update(date_joined=at(START - timedelta(days=1)))
    [row] = time_to_adopt(org.admin)
    # both first used the pool on START: rep_a 2 days after the release, rep_b 1 day after
    # joining (after the release)
    assert (row["adopters"], row["licensed_users"], row["median_days_to_adopt"]) == (2, 8, 1.5)


def test_underused_useful_features_per_team(org, usage):
    rows = underused_features(org.admin, START, END, threshold=0.5)
    pool = {(r["name"], r["feature"]) for r in rows if r["feature"] == "pool"}
    assert (org.team_c.name, "pool") in pool and (org.team_a.name, "pool") in pool
    assert (org.team_b.name, "pool") not in pool
    assert not any(r["feature"] == "leads" and r["name"] == org.team_b.name for r in rows)


def test_report_command_and_release_command(org, usage, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("usage", "release", "pool", "--date", "2025-03-01", stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("usage", "report", "--from", str(START), "--to", str(END), "--as",
                     "manager_a", stdout=out)
    text = out.getvalue()
    assert "active 3" in text and "pool" in text
    assert usage_report(org.manager_a, START, END)["summary"]["licensed_users"] == 3
