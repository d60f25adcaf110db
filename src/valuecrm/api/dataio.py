"""Import (multipart upload) and export endpoints; both go through the dataio functions the
command line uses."""

import json
from datetime import datetime
from pathlib import Path

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from valuecrm.api.errors import ErrorOut
from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.dataio.actions import ImportOptions, ImportResult, import_records
from valuecrm.dataio.exports import export_response
from valuecrm.dataio.models import ImportJob
from valuecrm.dataio.report import RowError, read_report

router = Router(tags=["import and export"])
ERRORS_SHOWN = 100


class RowErrorOut(Schema):
    row: int | None
    column: str
    value: str
    message: str


class ImportOut(Schema):
    id: int
    kind: str
    status: str
    file_name: str
    rows: int
    created: int
    updated: int
    skipped: int
    invalid: int
    error_count: int
    errors: list[RowErrorOut]
    error_report_url: str | None
    started_at: datetime
    finished_at: datetime | None


def _out(job: ImportJob, errors: list[RowError], error_count: int) -> dict:
    url = f"/api/v1/imports/{job.pk}/errors.csv" if job.error_report else None
    return {
        "id": job.pk, "kind": job.kind, "status": job.status, "file_name": job.file_name,
        "rows": job.rows, "created": job.created, "updated": job.updated,
        "skipped": job.skipped, "invalid": job.invalid, "error_count": error_count,
        "errors": [vars(e) for e in errors], "error_report_url": url,
        "started_at": job.started_at, "finished_at": job.finished_at,
    }


def _mapping(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    try:
        mapping = json.loads(text)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise ValidationError({"mapping": [_('Send a JSON object {"header": "field"}.')]})
    return mapping


def _read_report(job: ImportJob) -> tuple[list[RowError], int]:
    return read_report(job.error_report, limit=ERRORS_SHOWN)


@router.get("/imports/{int:pk}", response=ImportOut, operation_id="get_import",
            summary="An import's outcome")
def get_import(request, pk: int):
    job = ImportJob.objects.get_visible(request.auth, pk)
    return _out(job, *_read_report(job))


@router.get("/imports/{int:pk}/errors.csv", operation_id="get_import_errors",
            summary="An import's error report (CSV, UTF-8 with BOM)")
def get_import_errors(request, pk: int):
    job = ImportJob.objects.get_visible(request.auth, pk)
    if not job.error_report or not Path(job.error_report).exists():
        raise NotFound(_("This import has no error report."))
    return FileResponse(Path(job.error_report).open("rb"), as_attachment=True,
                        filename=f"import-{job.pk}-errors.csv",
                        content_type="text/csv; charset=utf-8")


# After the /imports/{int:pk} routes, which Django's resolver must try first.
@router.post("/imports/{kind}", response={200: ImportOut, 422: ImportOut | ErrorOut},
             operation_id="import_records",
             summary="Import a CSV or XLSX file (422 when nothing was imported)")
def create_import(
    request, kind: str, file: File[UploadedFile], dry_run: Form[bool] = False,
    skip_invalid: Form[bool] = False, on_duplicate: Form[str | None] = None,
    mapping: Form[str | None] = None,
):
    options = ImportOptions(
        dry_run=dry_run, skip_invalid=skip_invalid, on_duplicate=on_duplicate or None,
        mapping=_mapping(mapping), file_name=file.name or "",
    )
    result: ImportResult = import_records(
        actor=request.auth, kind=kind, source=file.file, options=options
    )
    job = ImportJob.objects.get(pk=result.job_id)
    return (200 if result.ok else 422), _out(job, result.errors, result.error_count)


@router.get("/export/{kind}", operation_id="export_records",
            summary="The records you can see, as CSV (streamed) or XLSX")
def export(request, kind: str, format: str = "csv"):  # noqa: A002 - the documented name
    return export_response(actor=request.auth, kind=kind, file_format=format)
