"""Export: the records a user can see, with the headers an import reads back (round trip).

A read, so it needs no action: it starts from `Model.objects.visible_to(actor)` like every
other read, and streams (a server-side iterator, rows written as they come).
"""

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.dataio.kinds import KINDS, Column, Kind
from valuecrm.usage.actions import track

CHUNK_ROWS = 2000
# What the reference columns are written as, so that an import finds them again.
REFERENCE_TEXT = {"owner": "username", "channel": "name", "customer": "name", "stage": "name"}


def get_kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise ValidationError({"kind": [_("Export one of: %(kinds)s.") % {
            "kinds": ", ".join(KINDS)}]})
    return KINDS[kind]


def export_columns(spec: Kind) -> list[Column]:
    # Contracts export their total; their line items stay in the app and the API.
    return [c for c in spec.columns if not c.line]


def export_header(spec: Kind) -> list[str]:
    chinese = (translation.get_language() or "").startswith("zh")
    return [c.zh if chinese else c.en for c in export_columns(spec)]


def _text(obj, column: Column, field: models.Field) -> str:
    value = getattr(obj, field.name)
    if value is None or value == "":
        return ""
    if field.many_to_one:
        return str(getattr(value, REFERENCE_TEXT.get(column.name, "pk")))
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def export_rows(*, actor, kind: str, ids=None) -> Iterator[list[str]]:
    """The rows (without the header) of `kind` records visible to `actor`, oldest first;
    only those with the given primary keys when `ids` is given (a list's selection)."""
    spec = get_kind(kind)
    columns = export_columns(spec)
    fields = [spec.model._meta.get_field(c.name) for c in columns]
    related = [f.name for f in fields if f.many_to_one]
    queryset = (spec.model.objects.visible_to(actor).select_related(*related).order_by("pk"))
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    track(actor, "export", "run")
    for obj in queryset.iterator(chunk_size=CHUNK_ROWS):
        yield [_text(obj, column, field) for column, field in zip(columns, fields, strict=True)]


def csv_chunks(header: list[str], rows, *, bom: bool = True) -> Iterator[str]:
    """CSV text in pieces of a few hundred rows, for a streamed response or a file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(target: str | BinaryIO, header: list[str], rows) -> None:
    """A workbook written row by row (openpyxl's write-only mode keeps memory flat)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(target)


def export_response(*, actor, kind: str, file_format: str = "csv", ids=None):
    """The export as a download, for the API and the pages: CSV streamed; XLSX built in a
    temporary file first, since a workbook is a zip whose directory comes last."""
    from django.http import FileResponse, StreamingHttpResponse

    spec = get_kind(kind)
    if file_format not in ("csv", "xlsx"):
        raise ValidationError({"format": [_("Use csv or xlsx.")]})
    header, rows = export_header(spec), export_rows(actor=actor, kind=kind, ids=ids)
    name = f"{kind}-{timezone.localdate():%Y%m%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(csv_chunks(header, rows),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - the response closes it
    write_xlsx(spool, header, rows)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
