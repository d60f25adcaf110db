"""Rollups (pre-aggregations): tables of rows already grouped by local day or month, kept
exact by the database, from which the engine answers a metric when the answer is provably
the same.

A rollup is declared once below (`ROLLUPS`): its source model and time field, its period
(`day` or `month`, also the name of its date column), the columns it keeps as keys
(`keys`: same name in the rollup; `flags`: a boolean column holding an `isnull` lookup of
the source), the source rows it holds (`where`: `isnull` lookups every row meets; only a
metric filtering the same way can use it), and the measures (`n`, the row count, and the
sum of each field of `sums`, in a column of the same name). From that one declaration:

- the triggers that keep it exact on every write (`trigger_sql`, installed by migration):
  PostgreSQL statement-level triggers over the transition tables, one set-based upsert of
  the per-key differences per statement (COPY and bulk inserts included); SQLite row-level
  triggers with UPSERT. Rows whose count falls to 0 are deleted;
- the set-based rebuild (`rebuild`, also the migration's backfill), for existing data or
  after a change of TIME_ZONE (days are local days in the zone recorded in RollupState);
- the engine's rewrite (`answer_from`): a simple metric over the source becomes the same
  metric over the rollup when its aggregate, filters, dimensions and time zone allow.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from valuecrm.metrics import dimensions, expr
from valuecrm.metrics.fields import FIELD_FUNCTIONS


@dataclass(frozen=True)
class Rollup:
    name: str
    model: str
    source: str
    time_field: str
    keys: tuple[str, ...]
    flags: dict[str, str]
    sums: tuple[str, ...] = ()
    period: str = "day"
    where: tuple[tuple[str, object], ...] = ()
    count: str = "n"

    @property
    def dimensions(self) -> dict[str, str]:
        """The source's dimensions whose path starts at a key (owner -> team, department)."""
        return {dim: path for dim, path in dimensions.MODEL_PATHS[self.source].items()
                if path.split("__")[0] in self.keys}


ACTIVITY_DAY = Rollup(
    name="activity_day", model="metrics.ActivityDay", source="crm.Activity",
    time_field="started_at", keys=("owner", "kind"),
    flags={"customer__isnull": "customer_isnull"}, sums=("duration_seconds",),
)
# Distinct customers followed need the customer as a key: by day that is nearly a row per
# activity, by month ~8x fewer rows. Usable for spans of whole months.
ACTIVITY_CUSTOMER_MONTH = Rollup(
    name="activity_customer_month", model="metrics.ActivityCustomerMonth",
    source="crm.Activity", time_field="started_at", keys=("owner", "customer"), flags={},
    period="month", where=(("customer__isnull", False),),
)
ROLLUPS = (ACTIVITY_DAY, ACTIVITY_CUSTOMER_MONTH)
for _rollup in ROLLUPS:
    # Group and filter paths on the rollup are the source's, wherever they start at a key.
    dimensions.MODEL_PATHS[_rollup.model] = _rollup.dimensions


# -- the engine's side --------------------------------------------------------------------

def answer_from(metric, ctx, time_zone_of):
    """`metric` (a SimpleMetric) rewritten over a rollup that gives exactly its answer for
    `ctx`, or None. `time_zone_of(rollup)` is the zone the rollup's days are in (None:
    not built)."""
    if not settings.METRICS_USE_ROLLUPS:
        return None
    for rollup in ROLLUPS:
        if (rollup.source, rollup.time_field) != (metric.model, metric.time_field):
            continue
        update = _aggregate(rollup, metric)
        held = dict(rollup.where)
        if any(metric.filter.get(lookup, not value) != value for lookup, value in held.items()):
            continue
        filters = [_lookups(rollup, {k: v for k, v in metric.filter.items() if k not in held}),
                   _lookups(rollup, metric.exclude)]
        dims = {*ctx.by, *(dim for dim, _value in ctx.filters)}
        if update is None or None in filters or not dims <= {*rollup.dimensions, *_ORG}:
            continue
        if rollup.period == "month" and not _whole_months(ctx.span):
            continue
        if time_zone_of(rollup) != timezone.get_current_timezone_name():
            continue
        return metric.model_copy(update={
            **update, "model": rollup.model, "time_field": rollup.period,
            "filter": filters[0], "exclude": filters[1]})
    return None


_ORG = {"team", "department", "org"}


def _whole_months(span) -> bool:
    return (span.grain in (None, "month", "quarter", "year") and span.start.day == 1
            and (span.end + timedelta(days=1)).day == 1)


def _aggregate(rollup: Rollup, metric) -> dict | None:
    """The aggregate over the rollup giving the metric's: a count is the sum of counts, a
    sum of a linear expression of summed fields is the same expression of their sums, a
    distinct count of a key is the distinct count of that key."""
    if metric.agg == "count":
        return {"agg": "sum", "field": rollup.count}
    if metric.agg == "count_distinct" and metric.field in rollup.keys:
        return {}
    if metric.agg == "sum" and _linear(expr.parse(metric.field, FIELD_FUNCTIONS), rollup):
        return {}
    return None


def _linear(node, rollup: Rollup) -> bool:
    """A summed field, or one times or divided by a constant: sum(x / 60) = sum(x) / 60.
    (Not x + y: SQL's x + y is NULL where either is, a sum of sums would not be.)"""
    if isinstance(node, expr.Name):
        return node.name in rollup.sums
    if isinstance(node, expr.BinOp) and node.op in "*/":
        if isinstance(node.right, expr.Num):
            return _linear(node.left, rollup)
        return node.op == "*" and isinstance(node.left, expr.Num) and _linear(node.right, rollup)
    return False


def _lookups(rollup: Rollup, lookups: dict) -> dict | None:
    result = {}
    for lookup, value in lookups.items():
        if lookup.split("__")[0] in rollup.keys:
            result[lookup] = value
        elif lookup in rollup.flags:
            result[rollup.flags[lookup]] = value
        else:
            return None
    return result


def time_zone_of(rollup: Rollup, using: str | None = None) -> str | None:
    from valuecrm.metrics.models import RollupState

    using = using or router.db_for_read(RollupState)
    return (RollupState.objects.using(using).filter(name=rollup.name)
            .values_list("time_zone", flat=True).first())


# -- the database's side ------------------------------------------------------------------

def _models(rollup: Rollup):
    return dimensions.get_model(rollup.source), dimensions.get_model(rollup.model)


def _columns(rollup: Rollup) -> dict[str, tuple[str, str]]:
    """Rollup key column -> (source column, how it is derived: 'key' or 'isnull')."""
    source, target = _models(rollup)
    columns = {target._meta.get_field(k).column: (source._meta.get_field(k).column, "key")
               for k in rollup.keys}
    for lookup, flag in rollup.flags.items():
        field, _isnull = lookup.split("__")
        columns[target._meta.get_field(flag).column] = (
            source._meta.get_field(field).column, "isnull")
    return columns


def _period_sql(rollup: Rollup, vendor: str, row: str, tz: str) -> str:
    column = f"{row}.{_models(rollup)[0]._meta.get_field(rollup.time_field).column}"
    if vendor == "postgresql":
        local = f"({column} AT TIME ZONE {tz})"
        return f"{local}::date" if rollup.period == "day" else (
            f"date_trunc('month', {local})::date")
    # Django registers this function on each SQLite connection; the engine's day and
    # month buckets on SQLite come from the same Python code, so the days agree.
    day = f"django_datetime_cast_date({column}, {tz}, 'UTC')"
    return day if rollup.period == "day" else f"substr({day}, 1, 8) || '01'"


def _key_exprs(rollup: Rollup, vendor: str, row: str, tz: str) -> list[str]:
    exprs = [_period_sql(rollup, vendor, row, tz)]
    for source_column, how in _columns(rollup).values():
        exprs.append(f"({row}.{source_column} IS NULL)" if how == "isnull"
                     else f"{row}.{source_column}")
    return exprs


def _names(rollup: Rollup):
    source, target = _models(rollup)
    keys = [rollup.period, *_columns(rollup)]
    sums = [(target._meta.get_field(s).column, source._meta.get_field(s).column)
            for s in rollup.sums]
    return source._meta.db_table, target._meta.db_table, keys, sums


def _alive(rollup: Rollup, word: str, row: str = "r") -> str:
    """The condition on the source rows the rollup holds: its `where`, and live rows only
    where the source soft-deletes, as the metrics keep deleted rows out (a soft delete is
    then an update that subtracts the row)."""
    source = _models(rollup)[0]
    conditions = [f"{row}.{source._meta.get_field(lookup.split('__')[0]).column} IS "
                  f"{'' if value else 'NOT '}NULL" for lookup, value in rollup.where]
    if any(f.name == "deleted_at" for f in source._meta.fields):
        conditions.append(f"{row}.{source._meta.get_field('deleted_at').column} IS NULL")
    return f" {word} " + " AND ".join(conditions) if conditions else ""


def _state_tz(rollup: Rollup) -> str:
    return f"(SELECT time_zone FROM metrics_rollupstate WHERE name = '{rollup.name}')"


def _pg_delta(rollup: Rollup, parts: list[tuple[str, int]]) -> str:
    """Upsert of the per-key difference made by the transition tables `parts`
    ((table, +1 for new rows / -1 for old)), net-zero keys skipped."""
    _src, table, keys, sums = _names(rollup)
    selects = []
    for relation, sign in parts:
        values = _key_exprs(rollup, "postgresql", "r", "tz")
        values += [f"{sign}"] + [f"{sign} * COALESCE(r.{col}, 0)" for _t, col in sums]
        names = [*keys, "n", *(t for t, _c in sums)]
        columns = ", ".join(f"{v} AS {k}" for v, k in zip(values, names, strict=True))
        selects.append(f"SELECT {columns} FROM {relation} r{_alive(rollup, 'WHERE')}")
    measures = ["n", *(t for t, _c in sums)]
    key_list = ", ".join(keys)
    return (
        f"INSERT INTO {table} AS t ({key_list}, {', '.join(measures)}) "
        f"SELECT {key_list}, {', '.join(f'SUM({m})' for m in measures)} "
        f"FROM ({' UNION ALL '.join(selects)}) d GROUP BY {key_list} "
        f"HAVING {' OR '.join(f'SUM({m}) <> 0' for m in measures)} "
        # One order for every writer, so concurrent statements lock rollup rows in the
        # same order and do not deadlock each other.
        f"ORDER BY {key_list} "
        f"ON CONFLICT ({key_list}) DO UPDATE SET "
        + ", ".join(f"{m} = t.{m} + EXCLUDED.{m}" for m in measures) + ";"
    )


def _pg_prune(rollup: Rollup) -> str:
    _src, table, keys, _sums = _names(rollup)
    olds = _key_exprs(rollup, "postgresql", "r", "tz")
    return (f"DELETE FROM {table} t USING (SELECT DISTINCT "
            + ", ".join(f"{v} AS {k}" for v, k in zip(olds, keys, strict=True))
            + f" FROM old_rows r{_alive(rollup, 'WHERE')}) o WHERE t.n <= 0 AND "
            + " AND ".join(f"t.{k} = o.{k}" for k in keys) + ";")


def trigger_sql(rollup: Rollup, vendor: str) -> tuple[list[str], list[str]]:
    """(statements creating the triggers, statements dropping them)."""
    source_table, table, keys, sums = _names(rollup)
    prefix = f"{table}_sync"
    if vendor == "postgresql":
        bodies = {
            "insert": _pg_delta(rollup, [("new_rows", 1)]),
            "update": _pg_delta(rollup, [("old_rows", -1), ("new_rows", 1)])
            + _pg_prune(rollup),
            "delete": _pg_delta(rollup, [("old_rows", -1)]) + _pg_prune(rollup),
            "truncate": f"DELETE FROM {table};",
        }
        create, drop = [], []
        for op, body in bodies.items():
            function, trigger = f"{prefix}_{op}", f"{prefix}_{op}"
            referencing = {"insert": "REFERENCING NEW TABLE AS new_rows",
                           "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                           "delete": "REFERENCING OLD TABLE AS old_rows",
                           "truncate": ""}[op]
            create.append(
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"DECLARE tz text := {_state_tz(rollup)};\n"
                # Not built (no recorded zone): nothing to keep; a rebuild fills it.
                f"BEGIN\n  IF tz IS NULL THEN RETURN NULL; END IF;\n  {body}\n"
                f"  RETURN NULL;\nEND $$;")
            create.append(
                f"CREATE TRIGGER {trigger} AFTER {op.upper()} ON {source_table} {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();")
            # Fire even when a bulk loader sets session_replication_role = replica to skip
            # foreign-key checks (bench/topup.py): the rollup must not silently drift. Safe
            # with the streaming replica of deployment.md (a standby runs no triggers); a
            # logical subscriber must not also subscribe to the rollup table.
            create.append(f"ALTER TABLE {source_table} ENABLE ALWAYS TRIGGER {trigger};")
            drop += [f"DROP TRIGGER IF EXISTS {trigger} ON {source_table};",
                     f"DROP FUNCTION IF EXISTS {function}();"]
        return create, drop
    measures = ["n", *(t for t, _c in sums)]
    key_list = ", ".join(keys)
    tz = _state_tz(rollup)

    def match(row):
        exprs = _key_exprs(rollup, "sqlite", row, tz)
        return " AND ".join(f"{k} = {v}" for k, v in zip(keys, exprs, strict=True))

    def add(row):
        values = [*_key_exprs(rollup, "sqlite", row, tz), "1",
                  *(f"COALESCE({row}.{c}, 0)" for _t, c in sums)]
        return (f"INSERT INTO {table} ({key_list}, {', '.join(measures)}) "
                f"SELECT {', '.join(values)} WHERE 1{_alive(rollup, 'AND', row)} "
                f"ON CONFLICT ({key_list}) DO UPDATE SET "
                + ", ".join(f"{m} = {m} + excluded.{m}" for m in measures) + ";")

    def subtract(row):
        # An UPDATE, not an upsert: removing a row never creates one (when a flush empties
        # the rollup before the activities, nothing is left behind).
        changes = ["n = n - 1", *(f"{t} = {t} - COALESCE({row}.{c}, 0)" for t, c in sums)]
        return (f"UPDATE {table} SET {', '.join(changes)} WHERE {match(row)}"
                f"{_alive(rollup, 'AND', row)}; DELETE FROM {table} WHERE n <= 0 AND "
                f"{match(row)};")

    bodies = {"insert": add("NEW"), "delete": subtract("OLD"),
              "update": subtract("OLD") + add("NEW")}
    create = [f"CREATE TRIGGER {prefix}_{op} AFTER {op.upper()} ON {source_table} FOR EACH "
              f"ROW WHEN EXISTS (SELECT 1 FROM metrics_rollupstate WHERE name = "
              f"'{rollup.name}') BEGIN {body} END;" for op, body in bodies.items()]
    drop = [f"DROP TRIGGER IF EXISTS {prefix}_{op};" for op in bodies]
    return create, drop


def rebuild(rollup: Rollup, using: str = "default", time_zone: str | None = None) -> int:
    """Refill the rollup from the source in one set-based statement, its days local in
    `time_zone` (default: settings.TIME_ZONE), recorded in RollupState. Writers to the
    source wait meanwhile (PostgreSQL), so no change is counted twice or missed.
    Returns the number of rollup rows."""
    connection = connections[using]
    vendor = connection.vendor
    source_table, table, keys, sums = _names(rollup)
    measures = ["n", *(t for t, _c in sums)]
    tz = time_zone or settings.TIME_ZONE
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {source_table} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM metrics_rollupstate WHERE name = %s", [rollup.name])
        cursor.execute("INSERT INTO metrics_rollupstate (name, time_zone, built_at) "
                       "VALUES (%s, %s, %s)", [rollup.name, tz, timezone.now()])
        exprs = _key_exprs(rollup, vendor, "r", "%s")
        values = [*exprs, "COUNT(*)", *(f"COALESCE(SUM(r.{c}), 0)" for _t, c in sums)]
        positions = ", ".join(str(i + 1) for i in range(len(keys)))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(keys)}, {', '.join(measures)}) "
            f"SELECT {', '.join(values)} FROM {source_table} r"
            f"{_alive(rollup, 'WHERE')} GROUP BY {positions}", [tz])
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def install_operation(rollup: Rollup):
    """The migration step creating the rollup's triggers, then backfilling it set-based
    (its table is created by the migration's CreateModel before this step)."""
    from django.db import migrations

    def install(apps, schema_editor):
        create, _drop = trigger_sql(rollup, schema_editor.connection.vendor)
        for statement in create:
            schema_editor.execute(statement, params=None)
        rebuild(rollup, using=schema_editor.connection.alias)

    def uninstall(apps, schema_editor):
        _create, drop = trigger_sql(rollup, schema_editor.connection.vendor)
        for statement in drop:
            schema_editor.execute(statement, params=None)
        schema_editor.execute("DELETE FROM metrics_rollupstate WHERE name = %s", [rollup.name])

    return migrations.RunPython(install, uninstall)
