"""The activity rollup equals the raw activities grouped by local day, owner, kind and
customer-or-not after every kind of write: ORM saves, bulk_create, queryset and raw SQL
updates and deletes, COPY, a customer merge, a truncate, and a rebuild. The triggers do
it, not the application, so each write below goes through a different path."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from valuecrm.crm.models import Activity
from valuecrm.dedup.merge import merge_customers
from valuecrm.metrics import rollups
from valuecrm.metrics.models import ActivityCustomerMonth, ActivityDay, RollupState

from .rollup_data import (
    actual_customer_months,
    actual_rollup,
    assert_exact,
    make_activities,
    random_activity,
    seeded,
    subjects,
)


@pytest.fixture
def world(org):
    return subjects(org)


def test_migrations_built_the_rollups_in_the_configured_time_zone(db, settings):
    assert set(RollupState.objects.values_list("name", "time_zone")) == {
        (rollup.name, settings.TIME_ZONE) for rollup in rollups.ROLLUPS}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_inserts_updates_and_deletes_through_the_orm(world, seed):
    rng = seeded(seed)
    reps, customers, leads = world
    made = make_activities(rng, reps, customers, leads)
    for _ in range(20):
        random_activity(rng, reps, customers, leads).save()
    assert_exact()
    for activity in rng.sample(made, 40):
        # Across days (past local midnight), owners, kinds and customer/lead.
        activity.started_at += timedelta(hours=rng.randrange(-30, 30))
        activity.owner = rng.choice(reps)
        activity.kind = rng.choice(["call", "visit", "note"])
        activity.duration_seconds = rng.choice([None, 5, 600])
        if rng.random() < 0.5:
            activity.customer, activity.lead = None, rng.choice(leads)
        else:
            activity.customer, activity.lead = rng.choice(customers), None
        activity.save()
    assert_exact()
    for activity in rng.sample(made, 30):
        activity.delete()
    Activity.objects.filter(kind="email").delete()
    assert_exact()


def test_queryset_and_raw_sql_updates_and_deletes(world):
    reps, customers, leads = world
    make_activities(seeded(4), reps, customers, leads)
    Activity.objects.filter(owner=reps[0]).update(owner=reps[1])
    Activity.objects.filter(kind="call").update(duration_seconds=61)
    with connection.cursor() as cursor:
        later = ("started_at + interval '9 hours'" if connection.vendor == "postgresql"
                 else "datetime(started_at, '+9 hours')")
        cursor.execute(f"UPDATE crm_activity SET kind = 'visit', started_at = {later} "
                       "WHERE id % 3 = 0")
        cursor.execute("UPDATE crm_activity SET customer_id = NULL, lead_id = %s "
                       "WHERE id %% 5 = 0", [leads[0].pk])
        cursor.execute("DELETE FROM crm_activity WHERE id % 7 = 0")
    assert_exact()
    assert not ActivityDay.objects.filter(n__lte=0).exists()
    assert not ActivityCustomerMonth.objects.filter(n__lte=0).exists()


def test_an_update_that_changes_no_rolled_up_column_leaves_the_rollup_alone(world):
    reps, customers, leads = world
    make_activities(seeded(5), reps, customers, leads)
    before = actual_rollup()
    Activity.objects.update(subject="renamed")
    assert actual_rollup() == before
    assert_exact()


def test_a_customer_merge_moves_activities_and_the_rollup_follows(world, org):
    reps, customers, leads = world
    make_activities(seeded(6), reps, customers, leads)
    survivor, merged = (c for c in customers if c.owner_id == org.rep_a.pk)
    merge_customers(actor=org.admin, survivor_id=survivor.pk, merged_ids=[merged.pk])
    assert not Activity.objects.filter(customer=merged).exists()
    assert_exact()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_and_truncate(world):
    reps, customers, leads = world
    make_activities(seeded(7), reps, customers, leads, n=20)
    rng = seeded(8)
    rows = [random_activity(rng, reps, customers, leads) for _ in range(60)]
    columns = ("kind", "owner_id", "started_at", "customer_id", "lead_id", "duration_seconds",
               "subject", "outcome", "created_at", "updated_at", "version")
    with connection.cursor() as cursor, cursor.connection.cursor().copy(
            f"COPY crm_activity ({', '.join(columns)}) FROM STDIN") as copy:
        for a in rows:
            copy.write_row((a.kind, a.owner_id, a.started_at, a.customer_id, a.lead_id,
                            a.duration_seconds, "", "", a.started_at, a.started_at, 1))
    assert Activity.objects.count() == 80
    assert_exact()
    with connection.cursor() as cursor:
        # The deferred foreign-key checks of this (test) transaction must run first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE crm_activity CASCADE")
    assert actual_rollup() == {} == actual_customer_months()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's replication role")
def test_a_bulk_load_in_replica_mode_still_updates_the_rollup(world):
    # bench/topup.py loads this way to skip the foreign-key triggers.
    reps, customers, leads = world
    make_activities(seeded(13), reps, customers, leads, n=30)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("INSERT INTO crm_activity (kind, owner_id, started_at, customer_id, "
                       "lead_id, duration_seconds, subject, outcome, created_at, updated_at, "
                       "version) SELECT kind, owner_id, started_at + interval '1 day', "
                       "customer_id, lead_id, duration_seconds, '', '', created_at, "
                       "updated_at, 1 FROM crm_activity")
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert Activity.objects.count() == 60
    assert_exact()


def test_deleting_activities_after_emptying_the_rollups_leaves_nothing(world):
    # As a flush does when it empties the rollup tables before the activity table.
    reps, customers, leads = world
    make_activities(seeded(14), reps, customers, leads, n=40)
    ActivityDay.objects.all().delete()
    ActivityCustomerMonth.objects.all().delete()
    Activity.objects.all().delete()
    assert actual_rollup() == {} == actual_customer_months()


def test_rebuild_gives_the_same_rows_and_records_the_zone(world):
    reps, customers, leads = world
    make_activities(seeded(10), reps, customers, leads)
    kept = actual_rollup()
    assert rollups.rebuild(rollups.ACTIVITY_DAY) == len(kept)
    assert actual_rollup() == kept
    rollups.rebuild(rollups.ACTIVITY_DAY, time_zone="UTC")
    assert RollupState.objects.get(name="activity_day").time_zone == "UTC"
    utc_days = {day for day, *_rest in actual_rollup()}
    assert utc_days == {a.started_at.date() for a in Activity.objects.all()}


def test_the_rebuild_command_refills_the_rollup(world, settings):
    reps, customers, leads = world
    make_activities(seeded(12), reps, customers, leads)
    kept = actual_rollup()
    rollups.rebuild(rollups.ACTIVITY_DAY, time_zone="UTC")
    ActivityDay.objects.filter(kind="call").delete()
    ActivityCustomerMonth.objects.filter(owner=reps[0]).delete()
    out = StringIO()
    call_command("metrics", "rebuild-rollups", stdout=out)
    assert f"activity_day: {len(kept):,} rows, days in {settings.TIME_ZONE}" in out.getvalue()
    assert actual_rollup() == kept
    assert_exact()
