"""pg_trgm and a trigram GIN index on each searchable table (PostgreSQL only), and the
search text of existing rows.

The indexes are created here rather than declared on the models because SQLite has no
GIN; there `search_text LIKE` scans the table (see docs/dedup-and-search.md)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from valuecrm.core.search import build_search_text

# table -> (app label, model, name fields, phone fields, email fields); frozen here because
# migrations must not import today's models.
SEARCHABLE = {
    "crm_lead": ("crm", "Lead", ("name", "company_name"), ("phone",), ("email",)),
    "crm_customer": ("crm", "Customer", ("name",), ("phone",), ("email",)),
    "crm_contact": ("crm", "Contact", ("name",), ("phone",), ("email",)),
    "sales_opportunity": ("sales", "Opportunity", ("name",), (), ()),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHABLE:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHABLE:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


def backfill(apps, schema_editor):
    for app_label, model_name, names, phones, emails in SEARCHABLE.values():
        model = apps.get_model(app_label, model_name)
        batch = []
        for obj in model._base_manager.only("pk", *names, *phones, *emails).iterator():
            obj.search_text = build_search_text(
                names=[getattr(obj, f) for f in names],
                phones=[getattr(obj, f) for f in phones],
                emails=[getattr(obj, f) for f in emails],
            )
            batch.append(obj)
            if len(batch) >= 2000:
                model._base_manager.bulk_update(batch, ["search_text"])
                batch = []
        model._base_manager.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0006_lead_company_key_search_text"),
        ("sales", "0003_opportunity_search_text"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
