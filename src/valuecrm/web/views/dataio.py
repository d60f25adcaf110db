"""The import wizard (upload -> map columns -> preview with row errors -> import -> result
with the error report) and the export downloads. Every step calls dataio: the preview is
`import_records(dry_run=True)` with the chosen mapping, the import the same call for real,
so what the preview promises is what the import does. A file over IMPORT_INLINE_MAX_BYTES
is imported by the worker (`queue_import`); its result page refreshes until it is done.

The uploaded file waits under VALUECRM_HOME/uploads/<user id>/ between the steps
(dataio.uploads; swept when abandoned); the wizard's URL carries a random token that only
the uploader's session knows. While the preview or the import reads the file, the page
polls `import_progress`, which reads how far it got (dataio.uploads.read_progress).
"""

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from valuecrm.core.errors import ValidationError
from valuecrm.core.records import ensure_can_write
from valuecrm.dataio.actions import ImportOptions, import_records, queue_import
from valuecrm.dataio.exports import export_response
from valuecrm.dataio.kinds import KINDS, header_aliases, header_key
from valuecrm.dataio.models import ImportJob
from valuecrm.dataio.readers import UnreadableFile, open_sheet
from valuecrm.dataio.report import read_report
from valuecrm.dataio.uploads import forget, progress_writer, read_progress, upload_dir
from valuecrm.org.scope import can_create
from valuecrm.web.htmx import render_page
from valuecrm.web.views.forms import domain_errors, go_to, posted

ERRORS_SHOWN = 100
SESSION_KEY = "web_imports"
MAX_UPLOAD_BYTES = 200 << 20
ON_DUPLICATE = [("", gettext_lazy("Refuse the row (an error)")),
                ("skip", gettext_lazy("Skip it")),
                ("update", gettext_lazy("Update the existing record")),
                ("create", gettext_lazy("Create it anyway"))]


def _kinds(user) -> list[tuple[str, str]]:
    return [(name, kind.model._meta.verbose_name_plural) for name, kind in KINDS.items()
            if can_create(user, kind.model)]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"),
                           help_text=gettext_lazy("The first row holds the column headers."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kinds(user)


def _header(path: Path, name: str) -> list[str]:
    with path.open("rb") as stream:
        return open_sheet(stream, path.stat().st_size, name).header


@login_required
@domain_errors
def import_start(request):
    ensure_can_write(request.user)
    form = UploadForm(posted(request), request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 200 MB; use the command line "
                                     "(valuecrm import) for files this size."))
        else:
            token = uuid.uuid4().hex
            path = upload_dir(request.user) / token
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                _header(path, upload.name)
            except UnreadableFile as exc:
                path.unlink()
                form.add_error("file", str(exc))
            else:
                imports = request.session.get(SESSION_KEY, {})
                imports[token] = {"kind": form.cleaned_data["kind"], "name": upload.name}
                request.session[SESSION_KEY] = imports
                return redirect("web:import_map", token=token)
    status = 422 if request.method == "POST" else 200
    return render_page(request, "web/dataio/upload.html", {"form": form}, status=status,
                       partial="web/dataio/upload.html")


def _pending(request, token):
    entry = request.session.get(SESSION_KEY, {}).get(token)
    path = upload_dir(request.user) / token
    if entry is None or not path.exists():
        raise Http404
    return entry, path


def _columns(kind: str, header: list[str], chosen) -> list[dict]:
    """Each header with the field the import will fill (the alias match by default)."""
    spec = KINDS[kind]
    aliases = header_aliases(spec)
    fields = [(c.name, f"{c.zh} / {c.en}") for c in spec.columns if c.importable]
    rows = []
    for index, text in enumerate(header):
        default = aliases.get(header_key(text)) or ""
        rows.append({"index": index, "header": text, "fields": fields,
                     "field": chosen(index, default)})
    return rows


@login_required
@domain_errors
def import_map(request, token):
    """Map the columns, preview (a dry run), import. The last step leads to the result."""
    ensure_can_write(request.user)
    entry, path = _pending(request, token)
    header = _header(path, entry["name"])
    data = request.POST if request.method == "POST" else {}
    columns = _columns(entry["kind"], header,
                       lambda i, default: data.get(f"col{i}", default) if data else default)
    context = {"token": token, "entry": entry, "columns": columns, "on_duplicate": ON_DUPLICATE,
               "chosen_duplicate": data.get("on_duplicate", ""),
               "skip_invalid": data.get("skip_invalid") == "on"}
    if request.method != "POST":
        return render_page(request, "web/dataio/map.html", context)
    run = request.POST.get("step") == "import"
    options = ImportOptions(
        dry_run=not run, skip_invalid=context["skip_invalid"],
        on_duplicate=context["chosen_duplicate"] or None, file_name=entry["name"],
        # Every header is sent, ignored ones as "": the page shows the whole mapping.
        mapping={c["header"]: c["field"] for c in columns if c["header"].strip()},
        progress=progress_writer(path),
    )
    if run and path.stat().st_size > settings.IMPORT_INLINE_MAX_BYTES:
        # Too big to import while the person waits: the worker does it, the result page
        # follows the job until it is done.
        job = queue_import(actor=request.user, kind=entry["kind"], path=path, options=options)
        return go_to(request, reverse("web:import_result", args=[job.pk]))
    try:
        result = import_records(actor=request.user, kind=entry["kind"], source=path,
                                options=options)
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render_page(request, "web/dataio/map.html", context, status=422)
    if run:
        if result.ok:
            forget(path)
            request.session[SESSION_KEY] = {
                k: v for k, v in request.session.get(SESSION_KEY, {}).items() if k != token}
        return go_to(request, reverse("web:import_result", args=[result.job_id]))
    context["preview"] = result
    return render_page(request, "web/dataio/map.html", context,
                       status=200 if result.ok else 422)


@login_required
def import_progress(request, token):
    """How far the preview or import of this upload got: the part the wizard polls. Once
    the upload is gone (imported) or was never this person's, status 286 tells htmx to
    stop polling; it shows nothing of anyone's file."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    path = upload_dir(request.user) / token
    if entry is None or not path.exists():
        return render_page(request, "web/dataio/progress.html", {"finished": True},
                           partial="web/dataio/progress.html", status=286)
    return render_page(request, "web/dataio/progress.html",
                       {"progress": read_progress(path)}, partial="web/dataio/progress.html")


def _job(request, pk) -> ImportJob:
    job = ImportJob.objects.visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def import_result(request, pk):
    job = _job(request, pk)
    errors, count = read_report(job.error_report, limit=ERRORS_SHOWN)
    return render_page(request, "web/dataio/result.html",
                       {"job": job, "errors": errors, "error_count": count})


@login_required
def import_errors(request, pk):
    job = _job(request, pk)
    if not job.error_report or not Path(job.error_report).exists():
        raise Http404
    return FileResponse(Path(job.error_report).open("rb"), as_attachment=True,
                        filename=f"import-{job.pk}-errors.csv",
                        content_type="text/csv; charset=utf-8")


@login_required
def export(request, kind):
    if kind not in KINDS:
        raise Http404
    try:
        return export_response(actor=request.user, kind=kind,
                               file_format=request.GET.get("format", "csv"))
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from None


