"""History is complete: every change, by any path (API, page, import, job, merge, capture,
pool), leaves a history entry naming the person or the system user that made it."""

import csv
import io
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from valuecrm.crm.models import Channel, Customer, Lead
from valuecrm.dataio.actions import ImportOptions, import_records
from valuecrm.dedup.merge import merge_customers
from valuecrm.org.actions import system_user
from valuecrm.pool.actions import sweep_pools
from valuecrm.pool.models import Pool, RecycleRule


def _history_models():
    return [m for m in apps.get_models() if m.__name__.startswith("Historical")
            and any(f.name == "history_user" for f in m._meta.fields)]


def _anonymous_entries(since):
    found = []
    for model in _history_models():
        rows = model.objects.filter(history_date__gte=since, history_user__isnull=True)
        found += [f"{model.__name__} {row.pk}" for row in rows]
    return found


def test_every_change_path_names_its_actor(records, org, api, client, channel):
    # Set-up written straight to the database (no path a user takes) comes first.
    pool = Pool.objects.create(name="华东公海", unit=org.east)
    RecycleRule.objects.create(pool=pool, kind=RecycleRule.Kind.NO_ACTIVITY, days=30)
    stale = Customer.objects.create(name="冷客户", owner=org.rep_b,
                                    owned_since=timezone.now() - timedelta(days=90))
    since = timezone.now()
    lead = records["rep_a"].lead
    # API: edit, delete, restore.
    rep_api = api(org.rep_a)
    assert rep_api.patch(f"leads/{lead.pk}", {"region": "上海"}).status_code == 200
    assert rep_api.delete(f"leads/{lead.pk}").status_code == 204
    assert rep_api.post(f"leads/{lead.pk}/restore").status_code == 200
    assert lead.history.latest().history_user == org.rep_a
    # Page.
    client.force_login(org.rep_b)
    client.post("/leads/new/", {"name": "页面线索", "company_name": "页面公司"})
    assert Lead.objects.get(name="页面线索").history.latest().history_user == org.rep_b
    # Import.
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([["客户名称", "负责人"], ["导入客户甲", "rep_a"]])
    assert import_records(actor=org.admin, kind="customers",
                          source=io.BytesIO(buffer.getvalue().encode()),
                          options=ImportOptions(file_name="a.csv")).ok
    imported = Customer.objects.get(name="导入客户甲")
    assert imported.history.latest().history_user == org.admin
    # Merge.
    merge_customers(actor=org.rep_a, survivor_id=records["rep_a"].customer.pk,
                    merged_ids=[imported.pk])
    assert records["rep_a"].customer.history.latest().history_user == org.rep_a
    # Web-to-lead capture and the pool sweep act as the system user.
    Channel.objects.filter(pk=channel.pk).update(capture_key="k" * 24)
    assert client.post(f"/api/v1/public/leads/{'k' * 24}",
                       {"name": "访客", "company_name": "访客公司"}).status_code == 202
    assert Lead.objects.get(name="访客").history.latest().history_user == system_user()
    assert sweep_pools().total >= 1
    assert stale.history.latest().history_user == system_user()
    # Claiming it back.
    assert api(org.rep_a).post(f"pool/customers/{stale.pk}/claim").status_code == 200
    assert stale.history.latest().history_user == org.rep_a

    assert not _anonymous_entries(since), "history entries without an actor"
