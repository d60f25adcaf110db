"""The database side of an import: batched duplicate lookups and bulk writes with history.

Only `dataio.actions.import_records` calls these, inside its transaction, after every row
was validated; they keep what the single-record actions keep (history naming the actor,
a lead's assignment time, an opportunity's stage history, a contract's total).
"""

import zlib
from itertools import islice

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from valuecrm.core.sql import insert_history_from_select, one_parameter
from valuecrm.crm.models import Customer, Lead
from valuecrm.sales.models import ContractLine, Opportunity, OpportunityStageChange, Stage

LOOKUP_CHUNK = 1000
# On PostgreSQL new records are written with COPY (see `insert`); tests turn it off to
# compare both ways of writing on the same file.
USE_COPY = True
# Field types whose Python value psycopg writes exactly as Django's get_db_prep_save would;
# other types (JSON, ...) go through get_db_prep_save.
_AS_IS = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField",
    "DateTimeField", "DecimalField", "EmailField", "FloatField", "ForeignKey", "IntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField", "SmallIntegerField",
    "TextField", "URLField", "UUIDField",
}


def take_import_lock(model) -> None:
    """Make imports of one record type take turns, until the transaction ends.

    Duplicates are found by looking up the file's keys before inserting; two imports of
    overlapping files running side by side would each find nothing and both insert. On
    SQLite writers already take turns (IMMEDIATE transactions); PostgreSQL gets an advisory
    lock, so reads elsewhere never wait.
    """
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"valuecrm.import.{model._meta.label}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def refresh_statistics(model) -> None:
    """ANALYZE the model's table (PostgreSQL), rows written by this transaction included.

    The planner's statistics describe the table as it was before the import; a large
    import into a small table otherwise has its duplicate lookups planned as sequential
    scans (the table "is small"), each costing as much as the table is long: quadratic
    over the file. The caller repeats it as the table doubles."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def key_column(key: tuple[str, ...]) -> str:
    """The column a duplicate key is reported on (a composite key: its last part)."""
    attr = key[-1]
    return "name" if attr == "name_key" else attr.removesuffix("_id")


def _chunks(items, size):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def existing_matches(model, batch, keys) -> dict[int, dict[tuple, tuple[int, ...]]]:
    """Row number -> {key: pks of alive records with the same key}. All alive records are
    searched, not only the actor's: a company already owned by a colleague is a duplicate
    too (the caller decides how much of it to reveal)."""
    found: dict[int, dict] = {}
    for key in keys:
        wanted = {c.keys[key]: c.row for c in batch if key in c.keys}
        if not wanted:
            continue
        hits: dict[tuple, list[int]] = {}
        for chunk in _chunks({value[0] for value in wanted}, LOOKUP_CHUNK):
            chunk = one_parameter(chunk, model._meta.get_field(key[0]))
            rows = model.objects.filter(**{f"{key[0]}__in": chunk}).order_by().values_list(
                *key, "pk")
            for *value, pk in rows:
                if tuple(value) in wanted:
                    hits.setdefault(tuple(value), []).append(pk)
        for value, pks in hits.items():
            found.setdefault(wanted[value], {})[key] = tuple(sorted(pks))
    return found


def visible_labels(actor, model, pks) -> dict[int, str]:
    return {pk: str(obj) for pk, obj in model.objects.visible_to(actor).in_bulk(pks).items()}


def editable(actor, model, pks) -> dict:
    if not pks:
        return {}
    return model.objects.editable_by(actor).select_for_update().in_bulk(pks)


def apply_changes(model, target, values: dict, now) -> set[str]:
    """Set a row's cells on an existing record; the fields to write back."""
    fields = set(values)
    if model is Opportunity and "stage" in values and values["stage"].pk != target.stage_id:
        target._import_from_stage = target.stage
        target.stage_entered_at = now
        target.closed_at = None if values["stage"].outcome == Stage.Outcome.OPEN else now
        fields |= {"stage_entered_at", "closed_at"}
    for name, value in values.items():
        setattr(target, name, value)
    if model is Customer and "name" in values:
        fields.add("name_key")
    return fields


def create(actor, model, candidates, batch_size: int) -> None:
    if not candidates:
        return
    objs = [c.obj for c in candidates]
    for obj in objs:
        if hasattr(obj, "set_derived_fields"):
            obj.set_derived_fields()
    if model is Lead:
        # As create_lead: an owned lead counts as assigned from its creation.
        for obj in objs:
            if obj.owner_id and not obj.assigned_at:
                obj.assigned_at = obj.created_at
    insert(actor, model, objs, batch_size)
    if model is Opportunity:
        insert(None, OpportunityStageChange,
               [OpportunityStageChange(opportunity=o, from_stage=None, to_stage=o.stage,
                                       changed_at=o.stage_entered_at, actor=actor) for o in objs],
               batch_size)
    lines = []
    for candidate in candidates:
        if candidate.line is not None:
            candidate.line.contract = candidate.obj
            lines.append(candidate.line)
    if lines:
        insert(actor, ContractLine, lines, batch_size)


def insert(actor, model, objs, batch_size: int) -> None:
    """Insert new records, with a "created" history row naming `actor` when `actor` is given
    (None: the model keeps no history). The same rows either way: on PostgreSQL by COPY and
    one INSERT ... SELECT for the history (measured on 100,000 leads: the whole import
    needs 42 % less CPU than with bulk_create, whose SQL compilation dominated);
    elsewhere with bulk_create."""
    if not (USE_COPY and connection.vendor == "postgresql"):
        if actor is None:
            model.objects.bulk_create(objs, batch_size=batch_size)
        else:
            bulk_create_with_history(objs, model, batch_size=batch_size, default_user=actor,
                                     default_change_reason=_("imported"))
        return
    copy_insert(model, objs)
    if actor is not None and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        insert_history_from_select(model, [o.pk for o in objs], user_id=actor.pk,
                                   reason=_("imported"), when=timezone.now(), history_type="+")


def copy_insert(model, objs) -> None:
    """COPY `objs` into the model's table (PostgreSQL), each getting its pk as bulk_create
    gives it: ids are drawn from the table's sequence first."""
    meta = model._meta
    fields = meta.concrete_fields
    stamped = [f for f in fields if getattr(f, "auto_now", False)
               or getattr(f, "auto_now_add", False)]
    prepared = [f.get_internal_type() not in _AS_IS for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    # wrap_database_errors: COPY talks to psycopg directly, and callers catch Django's
    # DatabaseError (a NUL byte, a broken connection), as for bulk_create.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, len(objs)])
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as sink:
            for obj in objs:
                for field in stamped:
                    field.pre_save(obj, add=True)
                sink.write_row([
                    field.get_db_prep_save(getattr(obj, field.attname), connection)
                    if prepare else getattr(obj, field.attname)
                    for field, prepare in zip(fields, prepared, strict=True)
                ])
                obj._state.adding, obj._state.db = False, connection.alias


def update(actor, model, pairs, fields: set[str], batch_size: int, now) -> None:
    if not pairs:
        return
    objs = []
    versioned = hasattr(model, "version")
    derived = hasattr(model, "set_derived_fields")
    if derived:
        fields = fields | {"search_text"} | {
            f for f in ("name_key", "company_key") if hasattr(model, f)}
    for _candidate, target in pairs:
        if derived:
            target.set_derived_fields()
        if versioned:
            target.version += 1
        target.updated_at = now
        objs.append(target)
    write = sorted(fields | {"updated_at"} | ({"version"} if versioned else set()))
    bulk_update_with_history(objs, model, write, batch_size=batch_size, default_user=actor,
                             default_change_reason=_("updated by import"))
    moved = [o for o in objs if hasattr(o, "_import_from_stage")]
    if moved:
        OpportunityStageChange.objects.bulk_create(
            [OpportunityStageChange(opportunity=o, from_stage=o._import_from_stage,
                                    to_stage=o.stage, changed_at=now, actor=actor)
             for o in moved], batch_size=batch_size)
