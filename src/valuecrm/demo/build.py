"""Building and wiping the demo data set.

The build bypasses the write layer on purpose: it is a bulk load of made-up history into an
empty database, not a user's change, so it writes rows in batches without `save()`, without
per-row validation and without history. It runs in one transaction, so a failed build leaves
the database as it was.
"""

import random
import time
from collections.abc import Callable
from datetime import date

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from faker import Faker

from valuecrm.crm.models import Activity, Customer, Lead
from valuecrm.delivery.models import OrderStage
from valuecrm.demo.delivery import DeliveryGenerator
from valuecrm.demo.models import DemoRun
from valuecrm.demo.params import SCALES
from valuecrm.demo.queries import data_digest
from valuecrm.demo.reference import build_world
from valuecrm.demo.scrm import build_scrm_demo
from valuecrm.demo.sink import open_sink
from valuecrm.demo.stories import Generator
from valuecrm.demo.timeline import Timeline
from valuecrm.demo.usage import Approvals, build_usage
from valuecrm.metrics.models import RollupState
from valuecrm.org.models import User
from valuecrm.pool.actions import sweep_pools
from valuecrm.sales.models import Stage
from valuecrm.value.demo import build_value_demo

# Kept by a reset: what migrations create (content types, permissions, the pipeline's and
# the delivery's stages).
# RollupState: the migrations record the rollups' time zone there; without it the triggers
# would stop keeping the rollups (metrics/rollups.py).
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission",
               Stage._meta.db_table, OrderStage._meta.db_table, RollupState._meta.db_table}


def holds_other_data() -> bool:
    """True if the database has people or records the demo did not put there."""
    if DemoRun.objects.exists():
        return False
    return (User.objects.exists() or Customer.all_objects.exists()
            or Lead.all_objects.exists())


def wipe_database() -> None:
    """Empty every table except the ones migrations fill, as `flush` would, but without
    re-creating content types (whose cached ids other code holds)."""
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending, as after
        # a build earlier in the same transaction: run those checks now.
        connection.check_constraints()
    tables = [
        table for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        ) if table not in KEPT_TABLES
    ]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    connection.ops.execute_sql_flush(statements)


def record_last_activity() -> None:
    """Customer.last_activity_at, which the pool's rules read, from the generated
    activities: two set-based UPDATEs (on the customer, then through its deals).

    Max() per customer, not "newest first, LIMIT 1": with the latter PostgreSQL walks the
    started_at index backwards for every customer, through all activities for customers
    without any, which took longer than generating the data at medium scale."""
    def latest(**link):
        return Subquery(Activity.objects.filter(**link).order_by().values(*link)
                        .annotate(latest=Max("started_at")).values("latest"))

    Customer.all_objects.update(last_activity_at=latest(customer=OuterRef("pk")))
    via_deals = latest(opportunity__customer=OuterRef("pk"))
    Customer.all_objects.annotate(deal_touch=via_deals).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=F("deal_touch"))
    ).update(last_activity_at=via_deals)


def build_demo(*, seed: int, scale: str, anchor: date, reset: bool = False,
               progress: Callable[[int], None] = lambda n: None) -> DemoRun:
    """Generate the demo company's two years of history, ending the day before `anchor`;
    with `reset`, first delete what is there, in the same transaction.

    The same seed, scale and anchor give the same data (see `queries.data_digest`)."""
    started = time.monotonic()
    with transaction.atomic():
        if reset:
            wipe_database()
        rng = random.Random(seed)
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        timeline = Timeline(anchor)
        world = build_world(rng, fake, timeline)
        sink = open_sink(SCALES[scale].batch)
        approvals = Approvals(seed=seed, timeline=timeline, sink=sink, users=world.users)
        Generator(rng=rng, fake=fake, timeline=timeline, world=world, sink=sink,
                  scale=SCALES[scale], approvals=approvals).run(progress)
        build_usage(seed=seed, timeline=timeline, users=list(world.users.values()), sink=sink)
        counts = sink.finish()
        # After the sales history is written: orders are made from its contracts.
        delivery = open_sink(SCALES[scale].batch)
        DeliveryGenerator(seed=seed, timeline=timeline, sink=delivery).run()
        counts = dict(sorted({**counts, **delivery.finish()}.items()))
        if connection.vendor == "postgresql":
            # Planner statistics of the tables just loaded (visible to this transaction
            # only, so autovacuum cannot take them): without them the updates below are
            # planned as if the tables were empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        record_last_activity()
        # The pools' rules have been running all along in the story: sweep once at the
        # anchor so nobody still holds a customer whose deadline passed long ago.
        counts["pool.recycled"] = sweep_pools(now=timeline.cutoff).total
        counts["org.User"] = len(world.users)
        counts["value"] = build_value_demo(timeline=timeline, admin=world.users["admin"])
        # Last: the campaigns' audiences and conversions read the finished history.
        counts.update(build_scrm_demo(seed=seed, timeline=timeline, users=world.users))
        return DemoRun.objects.create(
            seed=seed, scale=scale, anchor_date=anchor, go_live_date=timeline.go_live,
            built_at=timezone.now(), build_seconds=round(time.monotonic() - started, 1),
            counts=counts, digest="" if scale == "large" else data_digest(),
        )
