"""SQL building blocks the ORM lacks: percentiles and the seconds between two datetimes.

PostgreSQL computes percentiles with `percentile_cont(p) WITHIN GROUP (ORDER BY x)`.
SQLite has no percentile aggregate, so one with the same definition (linear interpolation
between the closest ranks) is registered on every SQLite connection: the rows still never
leave the database engine's aggregation step.
"""

import math

from django.db.models import Aggregate, FloatField, Func


class _PercentileCont:
    """SQLite aggregate `percentile_cont(value, fraction)`, as PostgreSQL defines it."""

    def __init__(self):
        self.values = []
        self.fraction = None

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        if not self.values:
            return None
        values = sorted(self.values)
        position = self.fraction * (len(values) - 1)
        lower, upper = math.floor(position), math.ceil(position)
        return values[lower] + (values[upper] - values[lower]) * (position - lower)


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("percentile_cont", 2, _PercentileCont)


class Percentile(Aggregate):
    """The `fraction` percentile (0.5 = median) of an expression, interpolated."""

    function = "percentile_cont"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"percentile_cont({sql}, %s)", (*params, self.fraction)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"percentile_cont(%s) WITHIN GROUP (ORDER BY {sql})", (self.fraction, *params)


class SecondsBetween(Func):
    """end - start in seconds, as a float, for two datetime expressions (SQLite: to the
    millisecond, as julianday() carries float rounding noise below that)."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        (start, start_params), (end, end_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return (f"ROUND((julianday({end}) - julianday({start})) * 86400.0, 3)",
                (*end_params, *start_params))

    def as_postgresql(self, compiler, connection, **extra):
        (start, start_params), (end, end_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return (f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS double precision)",
                (*end_params, *start_params))
