"""Where generated rows go: batched bulk inserts, or COPY on PostgreSQL.

Rows get their primary keys here, before they are written, so a generator can link a lead
to the customer it became without waiting for the database. Rows are written in batches in
whatever order they fill up; the build runs in one transaction and Django's foreign keys are
deferred to its commit, so a child may be written before its parent.

Generated rows bypass `save()` and so write no history: the demo's history starts clean.
"""

from collections import Counter

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


class Sink:
    def __init__(self, batch: int):
        self.batch = batch
        self.buffers: dict[type[models.Model], list[models.Model]] = {}
        self.next_ids: dict[type[models.Model], int] = {}
        self.counts: Counter[str] = Counter()

    def reserve(self, model: type[models.Model]) -> int:
        """A primary key for a row of `model` that will be added later."""
        if model not in self.next_ids:
            top = model._base_manager.aggregate(top=Max("pk"))["top"] or 0
            self.next_ids[model] = top + 1
        pk = self.next_ids[model]
        self.next_ids[model] += 1
        return pk

    def add(self, obj: models.Model) -> models.Model:
        model = type(obj)
        if hasattr(obj, "set_derived_fields"):
            obj.set_derived_fields()  # search text and comparison keys, as save() would
        if obj.pk is None:
            obj.pk = self.reserve(model)
        buffer = self.buffers.setdefault(model, [])
        buffer.append(obj)
        if len(buffer) >= self.batch:
            self._flush(model)
        return obj

    def new(self, model: type[models.Model], **values) -> models.Model:
        return self.add(model(**values))

    def finish(self) -> dict[str, int]:
        """Write what is left and move the id sequences past the rows written."""
        for model in list(self.buffers):
            self._flush(model)
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_ids))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        return dict(sorted(self.counts.items()))

    def _flush(self, model: type[models.Model]) -> None:
        rows = self.buffers.get(model)
        if rows:
            self.write(model, rows)
            self.counts[model._meta.label] += len(rows)
            self.buffers[model] = []

    def write(self, model: type[models.Model], rows: list[models.Model]) -> None:
        model._base_manager.bulk_create(rows, batch_size=self.batch)


class CopySink(Sink):
    """PostgreSQL's COPY: several times faster than INSERT for the large benchmark scale.

    Values are prepared exactly as bulk_create prepares them (`pre_save`, then
    `get_db_prep_save`), so both paths store the same thing.
    """

    def write(self, model: type[models.Model], rows: list[models.Model]) -> None:
        fields = model._meta.concrete_fields
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for obj in rows:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )


def open_sink(batch: int) -> Sink:
    return CopySink(batch) if connection.vendor == "postgresql" else Sink(batch)
